export { correctnessReward, formatReward, isWellFormatted } from "./correctness.js";
export { adaptiveLengthPenalty, kimiLengthReward } from "./group-length.js";
export { hapoReward, updateHapoHistory } from "./hapo.js";
export { formatLengthShape, labelFreeReward } from "./label-free.js";
export { type Difficulty, difficultyOf, laserDReward, laserReward, laserTargetLength } from "./laser.js";
export { overlongReward } from "./overlong.js";
export { composeRewards, type RewardTerm, rewardFunctions } from "./registry.js";
export { repeatedNgramFraction, repetitionPenalty } from "./repetition.js";
export type { RewardFunction, RewardSample } from "./types.js";
