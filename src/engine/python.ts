import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository (or installed package) root: this file sits at `src/engine/python.ts` or
 * `dist/engine/python.js`, both two levels below the root.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Folder holding the Python package `boxed_engine` (added to PYTHONPATH when spawning it). */
export const ENGINE_SOURCE_DIR = join(PACKAGE_ROOT, "engine");

/**
 * The Python interpreter that runs the engine: `$BOXED_PYTHON` when set, else the project's
 * virtual environment `<root>/.venv/bin/python` when it exists, else `python3` from PATH.
 */
export function resolvePython(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnvironment = env.BOXED_PYTHON;
  if (fromEnvironment !== undefined && fromEnvironment !== "") return fromEnvironment;
  const venvPython = join(PACKAGE_ROOT, ".venv", "bin", "python");
  return existsSync(venvPython) ? venvPython : "python3";
}

/**
 * Environment for a Python child process: the caller's variables plus `PYTHONPATH` starting with
 * the engine source folder, so `python -m boxed_engine` works even without an editable install,
 * and unbuffered output, so the ready line and errors arrive at once.
 */
export function pythonEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const base = { ...process.env, ...extra };
  const pythonPath = base.PYTHONPATH ? `${ENGINE_SOURCE_DIR}:${base.PYTHONPATH}` : ENGINE_SOURCE_DIR;
  return { ...base, PYTHONPATH: pythonPath, PYTHONUNBUFFERED: "1" };
}
