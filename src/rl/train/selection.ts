import { createRandom, mixSeed } from "../../data/tasks/random.js";
import type { Problem } from "../../data/types.js";
import { selectCurriculum, updatePassRates } from "../select/curriculum.js";
import { addToReplay, createReplayBuffer, sampleReplay } from "../select/replay-buffer.js";
import type { TrainingSequence } from "./batch.js";
import type { TrainConfig } from "./config.js";
import { type LoopState, problemKey } from "./loop-state.js";
import type { SampledGroup } from "./types.js";

const CURRICULUM_STREAM = 0xc0de;
const REPLAY_STREAM = 0x4e91;

/**
 * The step's problems under `data.curriculum`: `candidates`× more problems are drawn from the source,
 * then `count` of them are chosen with probability ∝ p(1 − p) + floor of their pass rate p (Foster &
 * Foerster 2025, arXiv:2502.12272; unseen prompts p = ½), without replacement among distinct
 * questions. Without a curriculum, the source's batch.
 */
export function chooseProblems(
  config: TrainConfig,
  state: LoopState,
  draw: (count: number) => Problem[],
  count: number,
  stream: number[],
): Problem[] {
  const curriculum = config.data.curriculum;
  if (curriculum === undefined) return draw(count);
  const candidates = draw(count * curriculum.candidates);
  const byKey = new Map(candidates.map((problem) => [problemKey(problem), problem]));
  const random = createRandom(mixSeed(config.seed, CURRICULUM_STREAM, ...stream));
  const chosen = selectCurriculum(
    [...byKey.keys()],
    state.passRates ?? {},
    count,
    () => random.next(),
    curriculum.floor,
  );
  const problems = chosen.map((key) => byKey.get(key)!);
  // A small problem list can yield fewer distinct candidates than `count`: repeat them in draw order.
  for (let index = 0; problems.length < count; index++) problems.push(candidates[index % candidates.length]);
  return problems;
}

/** Folds the sampled groups' pass rates into the curriculum state (EMA with `decay`). */
export function recordPassRates(config: TrainConfig, state: LoopState, groups: SampledGroup[]): void {
  const curriculum = config.data.curriculum;
  if (curriculum === undefined) return;
  const outcomes = groups.map((group) => ({
    problemId: problemKey(group.problem),
    passRate: group.samples.filter((sample) => sample.correct).length / Math.max(1, group.samples.length),
    attempts: group.samples.length,
  }));
  state.passRates = updatePassRates(state.passRates ?? {}, outcomes, curriculum.decay);
}

/**
 * Selective sample replay (VL-Rethinker, arXiv:2504.08837 §3.2) under `replay`: when fewer than
 * `promptsPerStep` groups survived the filters, `missing × groupSize` sequences are drawn from the
 * buffer (P ∝ |A|^exponent, seeded by step) and trained on with their original sampler log-probs;
 * then this step's sequences with |A| > minimum enter the buffer. Returns the replayed sequences.
 */
export function replaySequences(
  config: TrainConfig,
  state: LoopState,
  fresh: TrainingSequence[],
  missingGroups: number,
  step: number,
): TrainingSequence[] {
  const replay = config.replay;
  if (replay === undefined) return [];
  const buffer = state.replay ?? createReplayBuffer<TrainingSequence>(replay.capacity);
  const random = createRandom(mixSeed(config.seed, REPLAY_STREAM, step));
  const drawn =
    missingGroups > 0
      ? sampleReplay(buffer, missingGroups * config.groupSize, () => random.next(), replay.exponent)
      : [];
  state.replay = addToReplay(
    buffer,
    fresh.filter((sequence) => sequence.lossMask === 1),
    replay.minimum,
  );
  return drawn.map((sequence) => ({ ...sequence, offPolicy: true }));
}
