export { curriculumWeights, type PassRateState, selectCurriculum, updatePassRates } from "./curriculum.js";
export {
  type BatchFilter,
  batchFilters,
  difficultyFilter,
  dynamicSampling,
  type FilterResult,
  filterBatch,
  passRate,
} from "./filters.js";
export {
  addToReplay,
  createReplayBuffer,
  type ReplayBuffer,
  type ReplayItem,
  sampleReplay,
} from "./replay-buffer.js";
