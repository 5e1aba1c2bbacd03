export {
  type CorrectionInput,
  type CorrectionResult,
  rolloutCorrection,
  rolloutCorrections,
  samplerTrainerKl,
} from "./rollout-correction.js";
