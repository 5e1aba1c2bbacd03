/** Resource limits of the local sandbox; each one is enforced inside the sandbox by worker.py. */
export interface SandboxLimits {
  /** Wall-clock seconds per call; the run is killed, with every process it started, at this time. */
  wallSeconds: number;
  /** CPU seconds per call (RLIMIT_CPU). */
  cpuSeconds: number;
  /** Address space in MiB per process (RLIMIT_AS): a larger allocation fails with MemoryError. */
  memoryMb: number;
  /** Processes the code may start (RLIMIT_NPROC, counted in the sandbox's own user namespace). */
  maxProcesses: number;
  /** Bytes of stdout + stderr kept; more and the run is killed and reported. */
  maxOutputBytes: number;
  /** Largest file the code may write, MiB (RLIMIT_FSIZE). */
  maxFileMb: number;
  /** Size of the writable working directory (a tmpfs), MiB. */
  workMb: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  wallSeconds: 10,
  cpuSeconds: 10,
  memoryMb: 1024,
  maxProcesses: 16,
  maxOutputBytes: 1 << 20,
  maxFileMb: 16,
  workMb: 64,
};

/** Defaults overridden by `overrides`; an unknown key or a non-positive value is an error naming it. */
export function resolveLimits(overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  const known = Object.keys(DEFAULT_LIMITS);
  const limits: SandboxLimits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides)) {
    if (!known.includes(key)) {
      throw new Error(`unknown sandbox limit "${key}" (known: ${known.join(", ")})`);
    }
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new Error(`sandbox limit ${key} must be a positive number, got ${String(value)}`);
    }
    limits[key as keyof SandboxLimits] = value;
  }
  return limits;
}

/**
 * The limits of one call: the request may lower the pool's limits (SandboxFusion's `run_timeout`,
 * `memory_limit_MB`), never raise them — a server's limits are its own.
 */
export function callLimits(
  limits: SandboxLimits,
  runTimeout?: number,
  memoryLimitMb?: number,
): SandboxLimits {
  const wallSeconds =
    runTimeout !== undefined && runTimeout > 0
      ? Math.min(runTimeout, limits.wallSeconds)
      : limits.wallSeconds;
  const memoryMb =
    memoryLimitMb !== undefined && memoryLimitMb > 0
      ? Math.min(memoryLimitMb, limits.memoryMb)
      : limits.memoryMb;
  return {
    ...limits,
    wallSeconds,
    cpuSeconds: Math.min(limits.cpuSeconds, Math.ceil(wallSeconds)),
    memoryMb,
  };
}
