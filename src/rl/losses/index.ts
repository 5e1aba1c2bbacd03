export { type Aggregation, aggregations } from "./aggregation.js";
export { clippedSurrogate, createSurrogateTerm, type SurrogateTerm } from "./clipped-surrogate.js";
export { entropyWeights } from "./entropy-bonus.js";
export { type KlEstimator, klEstimators } from "./kl.js";
export { type ClipBounds, clampLogRatio, K3_LIMIT, LOG_RATIO_LIMIT, resolveBounds } from "./numerics.js";
export { policyLoss, policyLossWithDetached } from "./policy-loss.js";
export { policyLosses } from "./registry.js";
export type {
  AggregationName,
  ClipOptions,
  KlEstimatorName,
  LossInput,
  LossTerms,
  PolicyLossBatch,
  PolicyLossDefinition,
  PolicyLossOptions,
  PolicyLossResult,
} from "./types.js";
