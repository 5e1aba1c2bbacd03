import { cispoLoss } from "./cispo.js";
import { gspoLoss } from "./gspo.js";
import { ppoLoss } from "./ppo.js";
import { importanceSamplingLoss, reinforceLoss } from "./reinforce.js";
import type { PolicyLossDefinition } from "./types.js";

/** Policy losses by config name (`loss`). */
export const policyLosses = new Map<string, PolicyLossDefinition>([
  ["ppo", ppoLoss],
  ["reinforce", reinforceLoss],
  ["importance_sampling", importanceSamplingLoss],
  ["gspo", gspoLoss],
  ["cispo", cispoLoss],
]);
