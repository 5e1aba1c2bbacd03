export { broadcastAdvantages, flattenGroups, responseMask, unflattenGroups } from "./broadcast.js";
export { drGrpoAdvantages, grpoAdvantages } from "./grpo.js";
export { ngrpoAdvantages } from "./ngrpo.js";
export { advantageEstimators, computeAdvantages } from "./registry.js";
export { reinforcePlusPlusAdvantages, reinforcePlusPlusBaselineAdvantages } from "./reinforce-plus-plus.js";
export { rlooAdvantages } from "./rloo.js";
export { type SpoTracker, spoAdvantages } from "./spo.js";
export {
  computeStepAdvantages,
  type StepAdvantageEstimator,
  type StepAdvantageInput,
  type StepAdvantageResult,
  stepAdvantageEstimators,
} from "./step-estimators.js";
export { tempoAdvantages } from "./tempo.js";
export { type AdvantageEstimator, type AdvantageOptions, DEFAULT_EPSILON } from "./types.js";
export { wReinforceAdvantages } from "./w-reinforce.js";
