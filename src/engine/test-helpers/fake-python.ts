import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Fake interpreters for tests: each is a shell script standing in for python that runs a small
 * Node program, so launchers can be tested without torch. Pass one as `BOXED_PYTHON`.
 */
export class FakePythons {
  readonly folder = mkdtempSync(join(tmpdir(), "boxed-fake-python-"));

  /**
   * Writes `program` (an ES module) and returns the path of an executable running it. The wrapper
   * writes its process id (kept by `exec`) to `<folder>/<name>.pid` before Node starts.
   */
  create(name: string, program: string): string {
    const script = join(this.folder, `${name}.mjs`);
    writeFileSync(script, program);
    const wrapper = join(this.folder, name);
    const pidFile = join(this.folder, `${name}.pid`);
    writeFileSync(
      wrapper,
      `#!/bin/sh\necho $$ > "${pidFile}"\nexec "${process.execPath}" "${script}" "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    return wrapper;
  }

  /** An engine that answers every request with a healthy status, prints its ready line, and logs its pid and arguments on stderr. */
  serving(name = "serving"): string {
    return this.create(
      name,
      `import { createServer } from "node:http";
const server = createServer((request, response) => {
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify({ status: "ok", protocol: 2 }));
});
server.listen(0, "127.0.0.1", () => {
  console.log("loading model...");
  console.log(JSON.stringify({ event: "ready", host: "127.0.0.1", port: server.address().port, protocol: 2 }));
  console.error("pid " + process.pid + " args " + process.argv.slice(2).join(" "));
  console.error("token " + process.env.BOXED_ENGINE_TOKEN);
});
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));`,
    );
  }

  remove(): void {
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/** Whether a process id is alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
