/** The grade pool: the verifier's `gradeSync` in worker threads, with a hard time limit per grade. */
export {
  closeSharedGradePool,
  createGradePool,
  type GradeBatchOptions,
  type GradePool,
  type GradePoolOptions,
  grade,
  gradeBatch,
} from "./grade-pool.js";
export type { GradeFunction, GradeItem } from "./protocol.js";
export type { WorkerPoolStats } from "./worker-pool.js";
