import { randomBytes } from "node:crypto";
import type { Command } from "commander";

interface SandboxServeFlags {
  host: string;
  port: string;
  /** A string from --token, false from --no-token, undefined when neither is given. */
  token?: string | false;
  workers?: string;
  wallSeconds: string;
  memoryMb: string;
  maxBodyBytes: string;
}

function positiveNumber(flag: string, text: string, integer = true, allowZero = false): number {
  const value = Number(text);
  if (
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < (allowZero ? 0 : Number.MIN_VALUE)
  ) {
    throw new Error(
      `${flag} must be a ${allowZero ? "non-negative" : "positive"} ${integer ? "integer" : "number"}, got "${text}"`,
    );
  }
  return value;
}

/** `boxed sandbox serve`: the local Python sandbox behind SandboxFusion's HTTP API. */
export function registerSandbox(program: Command): void {
  const sandbox = program
    .command("sandbox")
    .description("the Python code sandbox used by tool-integrated reasoning");
  sandbox
    .command("serve")
    .description("serve the local sandbox with SandboxFusion's API (POST /run_code, GET /v1/ping)")
    .option("--host <host>", "interface to bind (a non-loopback one requires a token)", "127.0.0.1")
    .option("--port <n>", "port (0: any free port)", "8080")
    .option(
      "--token <token>",
      "bearer token clients must send (also env BOXED_SANDBOX_TOKEN; default: a random one, printed)",
    )
    .option(
      "--no-token",
      "serve without a token (loopback only; what SandboxFusion clients such as verl's send)",
    )
    .option("--workers <n>", "warm interpreters, i.e. calls at once (default: the machine's cores)")
    .option(
      "--wall-seconds <s>",
      "largest wall time per call (a request's run_timeout may only lower it)",
      "10",
    )
    .option(
      "--memory-mb <n>",
      "largest address space per call, MiB (memory_limit_MB may only lower it)",
      "1024",
    )
    .option("--max-body-bytes <n>", "largest request body", String(1 << 20))
    .action(async (flags: SandboxServeFlags) => {
      const { LocalSandbox } = await import("../tools/index.js");
      const { startSandboxServer } = await import("../tools/sandbox-fusion/server.js");
      const token =
        flags.token === false
          ? null
          : typeof flags.token === "string"
            ? flags.token
            : (process.env.BOXED_SANDBOX_TOKEN ?? randomBytes(24).toString("hex"));
      const wallSeconds = positiveNumber("--wall-seconds", flags.wallSeconds, false);
      const local = await LocalSandbox.start({
        workers: flags.workers === undefined ? undefined : positiveNumber("--workers", flags.workers),
        limits: {
          wallSeconds,
          cpuSeconds: wallSeconds,
          memoryMb: positiveNumber("--memory-mb", flags.memoryMb),
        },
      });
      const served = await startSandboxServer(local, {
        host: flags.host,
        port: positiveNumber("--port", flags.port, true, true),
        token,
        maxBodyBytes: positiveNumber("--max-body-bytes", flags.maxBodyBytes),
      }).catch(async (error) => {
        await local.close();
        throw error;
      });
      process.stderr.write(`boxed sandbox: listening on ${served.url} (POST /run_code)\n`);
      if (token !== null && flags.token === undefined && process.env.BOXED_SANDBOX_TOKEN === undefined) {
        process.stderr.write(`boxed sandbox: token ${token}\n`);
      }
      const stop = () => void Promise.all([served.close(), local.close()]).then(() => process.exit(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
