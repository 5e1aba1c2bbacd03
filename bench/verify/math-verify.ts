/** Math-Verify (HuggingFace, PyPI `math-verify`) as the baseline of the verify benches: its venv and figures. */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const MATH_VERIFY_PIN = "math-verify==0.8.0";

/** Figures of one cold pass of `gradeSync` over a file (bench/verify/per-file.ts). */
export interface FileFigures {
  rows: number;
  seconds: number;
  cpu_seconds: number;
  p99_ms: number;
  p99_cpu_ms: number;
  agreed: number;
}

/** What bench/verify/math_verify_rate.py prints. */
export interface MathVerifyFigures {
  rows: number;
  seconds: number;
  import_seconds: number;
  cpu_seconds: number;
  p99_ms: number;
  p99_cpu_ms: number;
  correct: number;
  agreed: number;
}

/** The Python of .bench-venv-mathverify/ (never .venv), created with Math-Verify on first use. */
export function mathVerifyPython(repoRoot: string): string {
  const venv = join(repoRoot, ".bench-venv-mathverify");
  const python = join(venv, "bin", "python");
  if (!existsSync(python)) {
    process.stderr.write(`creating ${venv} with ${MATH_VERIFY_PIN} …\n`);
    execFileSync("python3", ["-m", "venv", venv], { stdio: "inherit" });
    execFileSync(join(venv, "bin", "pip"), ["install", "--quiet", MATH_VERIFY_PIN], { stdio: "inherit" });
  }
  return python;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
