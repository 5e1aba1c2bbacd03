import { clusterAnswers, type Equivalence } from "./cluster.js";
import { expectedMajorityAtK, majorityCluster, majorityCredit, type Votes } from "./majority.js";
import { passAtK, reportedKs } from "./pass-at-k.js";
import {
  bootstrapInterval,
  type Interval,
  type LengthSummary,
  mean,
  summarizeLengths,
} from "./statistics.js";
import type { ScoredProblem } from "./types.js";

export interface MetricOptions {
  /** Answer equivalence used to cluster votes (the verifier's `areEquivalent`). */
  equivalent: Equivalence;
  bootstrapIterations?: number;
  seed?: number;
}

/** Per-problem outcome: correct count, the majority prediction (ties → first seen) and its credit. */
export interface ProblemOutcome {
  problemId: string;
  samples: number;
  correct: number;
  errors: number;
  prediction: string | null;
  predictionCorrect: boolean;
}

export interface GroupMetrics {
  problems: number;
  metrics: Record<string, number>;
  /** Bootstrap 95% intervals over the group's problems (200 resamples). */
  intervals: Record<string, Interval>;
}

export interface LengthBin {
  low: number;
  high: number;
  samples: number;
  accuracy: number;
}

export interface BenchmarkMetrics {
  problems: number;
  samples: number;
  /**
   * Samples per problem: the largest count over problems with samples. With uneven pools a problem
   * enters only the metrics at k ≤ its own count (`problemsPerMetric` says how many each rests on).
   */
  n: number;
  /** The smallest count over problems with samples (= n when pools are even). */
  minSamples: number;
  /** How many problems each entry of `metrics` averages over. */
  problemsPerMetric: Record<string, number>;
  /** What a reader must know: uneven pools, problems left out of some metrics. */
  warnings: string[];
  /** Requests that failed after all retries (server errors), never counted as wrong. */
  errors: number;
  problemsWithoutSamples: number;
  /** `pass@k`, `maj@k` for k = 1, 2, 4, … n, and `avg@n`, as fractions in [0, 1]. */
  metrics: Record<string, number>;
  /** Bootstrap 95% intervals over problems for every entry of `metrics`. */
  intervals: Record<string, Interval>;
  lengths: { all: LengthSummary; correct: LengthSummary; incorrect: LengthSummary };
  truncationRate: number;
  noAnswerRate: number;
  accuracyByLength: LengthBin[];
  bySubject: Record<string, GroupMetrics>;
  byLevel: Record<string, GroupMetrics>;
  perProblem: ProblemOutcome[];
}

interface Scored {
  problem: ScoredProblem;
  votes: Votes;
  correct: number;
}

function votesOf(problem: ScoredProblem, equivalent: Equivalence): Votes {
  const clusters = clusterAnswers(
    problem.samples.map((sample) => sample.answer),
    equivalent,
  );
  const clusterCorrect: boolean[] = [];
  clusters.forEach((id, index) => {
    if (id >= 0 && clusterCorrect[id] === undefined) clusterCorrect[id] = problem.samples[index].correct;
  });
  return { clusters, clusterCorrect };
}

/**
 * Per-problem values of every metric, in one table so that groups and bootstrap reuse them. A
 * problem with n_i samples enters pass@k and maj@k for k ≤ n_i (pass@k = 1 − C(n_i − c, k)/C(n_i, k),
 * Chen et al. 2021, arXiv:2107.03374, is unbiased for any n_i ≥ k), and avg@n as c / n_i.
 */
function perProblemValues(scored: Scored[], n: number, seed: number): Record<string, number[]> {
  const values: Record<string, number[]> = {};
  const push = (name: string, value: number) => {
    values[name] ??= [];
    values[name].push(value);
  };
  for (const { problem, votes } of scored) {
    const own = Math.min(n, problem.samples.length);
    const firstN: Votes = { clusters: votes.clusters.slice(0, own), clusterCorrect: votes.clusterCorrect };
    const correctInN = problem.samples.slice(0, own).filter((sample) => sample.correct).length;
    for (const k of reportedKs(n)) {
      if (k > own) continue;
      push(`pass@${k}`, passAtK(own, correctInN, k));
      push(`maj@${k}`, k === own ? majorityCredit(firstN) : expectedMajorityAtK(firstN, k, { seed }));
    }
    push(`avg@${n}`, correctInN / own);
  }
  return values;
}

/** The warning for uneven pools: how many problems fall short of n, and which metrics leave them out. */
function unevenWarning(scored: Scored[], n: number, values: Record<string, number[]>): string[] {
  const short = scored.filter(({ problem }) => problem.samples.length < n);
  if (short.length === 0) return [];
  const fewest = Math.min(...short.map(({ problem }) => problem.samples.length));
  const partial = Object.entries(values)
    .filter(([, list]) => list.length < scored.length)
    .map(([metric, list]) => `${metric} on ${list.length}`);
  return [
    `uneven pools: ${short.length} of ${scored.length} problems have fewer than ${n} samples (fewest ${fewest}); ` +
      `metrics at larger k rest on the problems with enough samples: ${partial.join(", ")} of ${scored.length}`,
  ];
}

function groupBy(
  scored: Scored[],
  key: (problem: ScoredProblem) => string | undefined,
  n: number,
  seed: number,
) {
  const groups = new Map<string, Scored[]>();
  for (const entry of scored) {
    const name = key(entry.problem);
    if (name === undefined) continue;
    groups.set(name, [...(groups.get(name) ?? []), entry]);
  }
  const result: Record<string, GroupMetrics> = {};
  for (const [name, members] of [...groups].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }))) {
    const values = perProblemValues(members, n, seed);
    result[name] = {
      problems: members.length,
      metrics: Object.fromEntries(Object.entries(values).map(([metric, list]) => [metric, mean(list)])),
      intervals: Object.fromEntries(
        Object.entries(values).map(([metric, list]) => [
          metric,
          bootstrapInterval(list, { iterations: 200, seed: seed + 2 }),
        ]),
      ),
    };
  }
  return result;
}

/** Accuracy by response length in equal-count bins (deciles of length), so that every bar rests on ~10% of samples. */
function lengthBins(scored: Scored[], binCount = 10): LengthBin[] {
  const samples = scored
    .flatMap(({ problem }) => problem.samples)
    .sort((a, b) => a.completionTokens - b.completionTokens);
  const bins: LengthBin[] = [];
  for (let bin = 0; bin < binCount; bin++) {
    const members = samples.slice(
      Math.floor((bin * samples.length) / binCount),
      Math.floor(((bin + 1) * samples.length) / binCount),
    );
    if (members.length === 0) continue;
    bins.push({
      low: members[0].completionTokens,
      high: members[members.length - 1].completionTokens,
      samples: members.length,
      accuracy: members.filter((sample) => sample.correct).length / members.length,
    });
  }
  return bins;
}

/** Every metric of one benchmark's graded samples (pure; the equivalence is injected). */
export function computeMetrics(problems: readonly ScoredProblem[], options: MetricOptions): BenchmarkMetrics {
  const seed = options.seed ?? 0;
  const withSamples = problems.filter((problem) => problem.samples.length > 0);
  const scored: Scored[] = withSamples.map((problem) => ({
    problem,
    votes: votesOf(problem, options.equivalent),
    correct: problem.samples.filter((sample) => sample.correct).length,
  }));
  const counts = scored.map(({ problem }) => problem.samples.length);
  const n = counts.length === 0 ? 0 : Math.max(...counts);
  const values = n === 0 ? {} : perProblemValues(scored, n, seed);
  const samples = withSamples.flatMap((problem) => problem.samples);
  const lengthsOf = (filter: (correct: boolean) => boolean) =>
    summarizeLengths(
      samples.filter((sample) => filter(sample.correct)).map((sample) => sample.completionTokens),
    );
  return {
    problems: problems.length,
    samples: samples.length,
    n,
    minSamples: counts.length === 0 ? 0 : Math.min(...counts),
    problemsPerMetric: Object.fromEntries(
      Object.entries(values).map(([metric, list]) => [metric, list.length]),
    ),
    warnings: unevenWarning(scored, n, values),
    errors: problems.reduce((sum, problem) => sum + problem.errors, 0),
    problemsWithoutSamples: problems.length - withSamples.length,
    metrics: Object.fromEntries(Object.entries(values).map(([metric, list]) => [metric, mean(list)])),
    intervals: Object.fromEntries(
      Object.entries(values).map(([metric, list]) => [
        metric,
        bootstrapInterval(list, { iterations: options.bootstrapIterations, seed: seed + 1 }),
      ]),
    ),
    lengths: {
      all: lengthsOf(() => true),
      correct: lengthsOf((correct) => correct),
      incorrect: lengthsOf((correct) => !correct),
    },
    truncationRate:
      samples.length === 0 ? 0 : samples.filter((sample) => sample.truncated).length / samples.length,
    noAnswerRate:
      samples.length === 0 ? 0 : samples.filter((sample) => sample.answer === null).length / samples.length,
    accuracyByLength: lengthBins(scored),
    bySubject: n === 0 ? {} : groupBy(scored, (problem) => problem.subject, n, seed),
    byLevel: n === 0 ? {} : groupBy(scored, (problem) => problem.level, n, seed),
    perProblem: scored.map(({ problem, votes, correct }) => {
      const prediction = majorityCluster(votes.clusters);
      return {
        problemId: problem.problemId,
        samples: problem.samples.length,
        correct,
        errors: problem.errors,
        prediction: prediction < 0 ? null : problem.samples[votes.clusters.indexOf(prediction)].answer,
        predictionCorrect: prediction >= 0 && votes.clusterCorrect[prediction],
      };
    }),
  };
}
