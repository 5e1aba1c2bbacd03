/** The math answer verifier: extraction, normalization, equivalence. Pure and synchronous. */
export { areEquivalent } from "./equivalence.js";
export { type Extraction, type ExtractOptions, extractAnswer, type MatchType } from "./extract.js";
export { gradeSync, gradeWithoutCas } from "./grade-sync.js";
export { normalizeAnswer } from "./normalize.js";
export * from "./pool/index.js";
export type { Grade, GradeOptions, GradeReason } from "./types.js";
