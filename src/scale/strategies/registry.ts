/**
 * The test-time strategy registry: one `Map<string, StrategyFactory>`, selected by a spec string
 * `name@budget[,key=value…]`, e.g. `maj@8`, `vote@8,weight=reward`, `esc@16,window=4`.
 * Every caller (analyzer, online runner, proxy, CLI) goes through `createStrategy`.
 */
import { adaptiveConsistency } from "./adaptive-consistency.js";
import type { Parameters } from "./parameters.js";
import { earlyStop, earlyStoppingSelfConsistency } from "./stopping.js";
import type { Strategy, StrategyFactory } from "./types.js";
import { bestOfN, deepConfOffline, majority, weightedVote } from "./vote.js";

/** pass@1: one sample, its answer (the analyzer's exact average is the mean accuracy of one sample). */
function single(budget: number, parameters: Parameters): Strategy {
  if (budget !== 1) throw new Error(`pass: budget must be 1 (pass@1), got ${budget}`);
  return { ...majority(1, parameters), name: "pass@1" };
}

export const STRATEGIES: ReadonlyMap<string, StrategyFactory> = new Map<string, StrategyFactory>([
  ["pass", single],
  ["maj", majority],
  ["vote", weightedVote],
  ["deepconf", deepConfOffline],
  ["best", bestOfN],
  ["early", earlyStop],
  ["esc", earlyStoppingSelfConsistency],
  ["ac", adaptiveConsistency],
]);

export interface StrategySpec {
  name: string;
  budget: number;
  parameters: Record<string, string>;
}

const SPEC_PATTERN = /^([a-z][a-z0-9-]*)@(\d+)((?:,[a-z][a-z-]*=[^,:@\s]+)*)$/;

/** Parses `name@budget[,key=value…]`; throws on anything else. */
export function parseStrategySpec(spec: string): StrategySpec {
  const match = SPEC_PATTERN.exec(spec.trim());
  if (!match) {
    throw new Error(`strategy "${spec}": expected name@budget[,key=value…], e.g. maj@8 or esc@8,window=4`);
  }
  const budget = Number(match[2]);
  if (budget < 1 || budget > 1024)
    throw new Error(`strategy "${spec}": budget must be in [1, 1024], got ${budget}`);
  const parameters: Record<string, string> = {};
  for (const pair of (match[3] ?? "").split(",").slice(1)) {
    const [key, value] = pair.split("=") as [string, string];
    if (key in parameters) throw new Error(`strategy "${spec}": parameter ${key} given twice`);
    parameters[key] = value;
  }
  return { name: match[1] as string, budget, parameters };
}

/** Builds a strategy from its spec; an unknown name throws and lists the known ones. */
export function createStrategy(spec: string): Strategy {
  const { name, budget, parameters } = parseStrategySpec(spec);
  const factory = STRATEGIES.get(name);
  if (!factory) throw new Error(`unknown strategy "${name}" (known: ${[...STRATEGIES.keys()].join(", ")})`);
  return factory(budget, parameters);
}
