import { getToolFormat } from "../../../tools/formats/registry.js";
import type { TextToolFormat } from "../../../tools/formats/types.js";
import type { TrainConfig } from "../config.js";
import type { SampledGroup } from "../types.js";
import type { ToolsConfig } from "./config.js";
import type { ToolRuntime } from "./engine-rollout.js";

/** Rewards that read tool facts (src/rl/rewards/tools.ts). */
const TOOL_REWARDS = ["tool_error", "void_turn"];

/** What in a train config contradicts its `tools` setting (empty when consistent). */
export function toolsProblems(config: TrainConfig): string[] {
  const problems: string[] = [];
  if (config.tools !== undefined && config.rollout.backend !== "engine")
    problems.push('tools: multi-turn tool rollouts need rollout.backend "engine"');
  for (const term of config.rewards) {
    if (config.tools === undefined && TOOL_REWARDS.includes(term.name))
      problems.push(`rewards: "${term.name}" reads tool use; set \`tools\` (multi-turn tool rollouts)`);
  }
  return problems;
}

/** Opens the run's sandbox: a SandboxFusion service at `sandboxUrl`, else the local sandbox pool. */
export async function openToolRuntime(
  config: ToolsConfig,
): Promise<ToolRuntime & { close(): Promise<void> }> {
  const format = getToolFormat(config.format) as TextToolFormat;
  if (config.sandboxUrl !== undefined) {
    const { SandboxFusionClient } = await import("../../../tools/sandbox-fusion/client.js");
    const token = process.env[config.sandboxTokenEnv];
    const sandbox = new SandboxFusionClient({
      url: config.sandboxUrl,
      ...(token !== undefined && { token }),
    });
    return { sandbox, format, config, close: async () => undefined };
  }
  const { LocalSandbox } = await import("../../../tools/index.js");
  const sandbox = await LocalSandbox.start({
    ...(config.workers !== undefined && { workers: config.workers }),
    limits: { wallSeconds: config.timeout, cpuSeconds: config.timeout },
  });
  return { sandbox, format, config, close: () => sandbox.close() };
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Tool metrics of a step: calls and void turns per sample, error rate over runs, tool tokens, seconds. */
export function toolMetrics(groups: SampledGroup[], toolSeconds: number): Record<string, number> {
  const samples = groups.flatMap((group) => group.samples);
  const calls = samples.reduce((sum, sample) => sum + (sample.tools?.calls ?? 0), 0);
  const errors = samples.reduce((sum, sample) => sum + (sample.tools?.errors ?? 0), 0);
  return {
    toolCallsPerSample: mean(samples.map((sample) => sample.tools?.calls ?? 0)),
    toolErrorRate: calls === 0 ? 0 : errors / calls,
    voidTurnsPerSample: mean(samples.map((sample) => sample.tools?.voidTurns ?? 0)),
    toolTokensMean: mean(
      samples.map((sample) => (sample.sampledMask ?? []).filter((sampled) => sampled === 0).length),
    ),
    toolSeconds,
  };
}
