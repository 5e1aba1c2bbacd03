import { execFile } from "node:child_process";
import { realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { PACKAGE_ROOT } from "../../engine/python.js";

/**
 * How a sandbox worker is started. The mechanism (util-linux only, nothing to install):
 *   1. `unshare --mount` (as root; `--user --map-root-user --mount` for any other user) and
 *      `setup-root.sh`: a tmpfs root holding read-only binds of /usr, Python and the worker (at
 *      their own paths, /tmp/x/.venv too), /dev/{null,zero,random,urandom} and a size-limited
 *      writable /sandbox and /tmp; pivot_root(2) into it and the host's tree is detached —
 *      nothing else can be read or written.
 *   2. `setpriv` to uid/gid 65534 when the caller is root: the kernel never applies RLIMIT_NPROC to
 *      the real root user, so a fork bomb is only contained as an unprivileged user.
 *   3. `unshare --user --map-root-user --net --pid --ipc --uts --fork --kill-child --mount-proc`:
 *      no network (a loopback that is down), its own pids (the worker is pid 1, so kill(-1) ends
 *      everything the code started), killed with its parent.
 * Why not bubblewrap: it does the same but is not installed on these machines; util-linux is.
 * Why not Pyodide: numpy and sympy are not available for it offline here.
 */
/** worker.py and setup-root.sh stay in src/ (the package ships src/tools/sandbox; tsc copies no .py). */
const SOURCE_DIR = join(PACKAGE_ROOT, "src", "tools", "sandbox");
export const WORKER_FILE = join(SOURCE_DIR, "worker.py");
export const SETUP_FILE = join(SOURCE_DIR, "setup-root.sh");
const UNPRIVILEGED_ID = 65534;
/** Paths the sandbox has already: a Python under them needs no bind. */
const PROVIDED = ["/usr", "/bin", "/lib", "/lib64", "/sbin"];
/** Where the sandbox mounts filesystems of its own: nothing of the host's can be bound in them. */
const OWN = ["/sandbox", "/proc", "/dev"];
/** Folders the sandbox fills itself: a path inside one is bound at its own path (a clone in
 * /tmp/x works), but a path that is one of them, or holds one (`/`), would show the host's. */
const FILLED = [...OWN, "/tmp", "/etc"];

export interface PythonInstall {
  /** The interpreter, by a path whose folders are real (no symlinked folder on the way). */
  executable: string;
  /** Folders to bind read-only so that the interpreter, its venv and its packages are found. */
  readOnlyPaths: string[];
}

/** Asks the interpreter where it lives; fails clearly when numpy or sympy is missing. */
export async function locatePython(python: string): Promise<PythonInstall> {
  const script =
    "import sys, json, numpy, sympy; print(json.dumps([sys.executable, sys.prefix, sys.base_prefix]))";
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(python, ["-I", "-c", script], { timeout: 60_000 }));
  } catch (error) {
    throw new Error(
      `the sandbox's Python ${python} cannot import numpy and sympy: ${(error as Error).message}`,
    );
  }
  const [executable, prefix, basePrefix] = JSON.parse(stdout) as [string, string, string];
  const realExecutable = join(realpathSync(dirname(executable)), basename(executable));
  const paths = [dirname(WORKER_FILE), prefix, basePrefix, dirname(realpathSync(executable))].map((path) =>
    realpathSync(path),
  );
  return { executable: realExecutable, readOnlyPaths: minimalCover(paths) };
}

/** Drops paths the sandbox provides or that sit inside another listed path; rejects the ones above. */
export function minimalCover(paths: string[]): string[] {
  const inside = (path: string, folder: string) =>
    path === folder || path.startsWith(folder === "/" ? "/" : `${folder}/`);
  const kept: string[] = [];
  for (const path of [...new Set(paths)].sort((a, b) => a.length - b.length)) {
    const own = OWN.find((folder) => inside(path, folder));
    if (own !== undefined) {
      throw new Error(`the sandbox cannot bind ${path}: ${own} is its own (move Python or boxed elsewhere)`);
    }
    const filled = FILLED.find((folder) => inside(folder, path));
    if (filled !== undefined) {
      throw new Error(
        `the sandbox cannot bind ${path}: it would show the host's ${filled} (move Python or boxed into a folder of their own)`,
      );
    }
    if (PROVIDED.some((folder) => inside(path, folder)) || kept.some((folder) => inside(path, folder)))
      continue;
    kept.push(path);
  }
  return kept;
}

/** The argv that starts one worker whose root is built on the (empty) host folder `rootDir`. */
export function workerCommand(
  python: PythonInstall,
  rootDir: string,
  workMb: number,
  isRoot: boolean,
): string[] {
  const mountNamespace = isRoot
    ? ["unshare", "--mount", "--propagation", "private"]
    : ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"];
  const dropRoot = isRoot
    ? ["setpriv", `--reuid=${UNPRIVILEGED_ID}`, `--regid=${UNPRIVILEGED_ID}`, "--clear-groups"]
    : [];
  const isolate = ["unshare", "--user", "--map-root-user", "--net", "--pid", "--ipc", "--uts", "--fork"];
  return [
    ...mountNamespace,
    "--",
    "sh",
    SETUP_FILE,
    rootDir,
    String(Math.ceil(workMb)),
    ...python.readOnlyPaths,
    "--",
    ...dropRoot,
    ...isolate,
    "--kill-child",
    "--mount-proc",
    "--",
    python.executable,
    "-I",
    "-B",
    WORKER_FILE,
  ];
}

/** The worker's whole environment (nothing of the caller's leaks in). */
export const WORKER_ENVIRONMENT: NodeJS.ProcessEnv = {
  PATH: "/usr/bin:/bin",
  HOME: "/sandbox",
  TMPDIR: "/sandbox",
  LANG: "C.UTF-8",
  OPENBLAS_NUM_THREADS: "1",
  OMP_NUM_THREADS: "1",
  MKL_NUM_THREADS: "1",
};
