import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../engine/python.js";
import { isToolError, type RunCodeResponse } from "../types.js";
import { LocalSandbox } from "./local-sandbox.js";
import { WORKER_FOLDER_PREFIX } from "./worker-process.js";

/** Host processes descended from this test process (the workers, their namespaces, anything leaked). */
function descendants(): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {} // the process ended while listed
  }
  const inside = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p))
      if (p === process.pid) return true;
    return false;
  };
  return [...parents.keys()].filter(inside);
}

/** This process's worker folders (other test files and boxed processes run at the same time). */
const sandboxFolders = () =>
  readdirSync(tmpdir()).filter((name) => name.startsWith(`${WORKER_FOLDER_PREFIX}${process.pid}-`));
const stdout = (response: RunCodeResponse) => response.run_result?.stdout ?? "";
const stderr = (response: RunCodeResponse) => response.run_result?.stderr ?? "";

describe("local sandbox: containment", () => {
  let sandbox: LocalSandbox;
  let server: Server;
  let port: number;
  let processesWhenIdle: number;
  const run = (code: string, run_timeout?: number) =>
    sandbox.runCode({ code, language: "python", run_timeout });

  beforeAll(async () => {
    server = createServer((_, response) => response.end("reachable"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    sandbox = await LocalSandbox.start({ workers: 2, limits: { wallSeconds: 5, maxOutputBytes: 1 << 20 } });
    processesWhenIdle = descendants().length;
  });
  afterAll(async () => {
    await sandbox.close();
    server.close();
  });

  it("runs numpy and sympy, and reports the source line of an error", async () => {
    const ok = await run(
      "import numpy as np, sympy as sp\nprint(int(np.arange(5).sum()), sp.factor('x**2 - 1'))",
    );
    expect(ok.status).toBe("Success");
    expect(stdout(ok)).toBe("10 (x - 1)*(x + 1)\n");
    const failed = await run("x = 1\ny = x / 0");
    expect(isToolError(failed)).toBe(true);
    expect(stderr(failed)).toMatch(/line 2[\s\S]*y = x \/ 0[\s\S]*ZeroDivisionError/);
  });

  it("has no network: neither the internet nor a server on the host's loopback", async () => {
    const response = await run(
      `import urllib.request\nurllib.request.urlopen("http://127.0.0.1:${port}/", timeout=2)`,
    );
    expect(isToolError(response)).toBe(true);
    expect(stderr(response)).toMatch(/URLError|Connection refused|unreachable/);
    const outside = await run("import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=2)");
    expect(isToolError(outside)).toBe(true);
    expect(stderr(outside)).toMatch(/Network is unreachable/);
  });

  it("cannot write to /etc or the repository, nor read the repository", async () => {
    const target = join(PACKAGE_ROOT, "sandbox-escape.txt");
    for (const path of ["/etc/boxed-escape", target, "/usr/boxed-escape"]) {
      const response = await run(`open(${JSON.stringify(path)}, "w").write("escaped")`);
      expect(isToolError(response)).toBe(true);
      expect(stderr(response)).toMatch(/Read-only file system|No such file|Permission denied/);
      expect(existsSync(path)).toBe(false);
    }
    const read = await run(`print(open(${JSON.stringify(join(PACKAGE_ROOT, "package.json"))}).read())`);
    expect(isToolError(read)).toBe(true);
    const passwd = await run("print(open('/etc/passwd').read())");
    expect(isToolError(passwd)).toBe(true);
  });

  it("holds no capability: chroot and mount are refused", async () => {
    const response = await run("import os\nos.chroot('/sandbox')");
    expect(stderr(response)).toMatch(/PermissionError: \[Errno 1\] Operation not permitted/);
  });

  it("contains a fork bomb and leaves no process behind", async () => {
    const response = await run("import os\nwhile True:\n    os.fork()", 3);
    expect(isToolError(response)).toBe(true);
    const after = await run("import os\nprint(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))");
    expect(stdout(after).trim()).toMatch(/^\[1, \d+\]$/); // the worker (pid 1) and this call only
    expect(descendants().length).toBe(processesWhenIdle);
  });

  it("refuses a 10 GB allocation with MemoryError", async () => {
    const response = await run("block = bytearray(10 * 1024**3)");
    expect(isToolError(response)).toBe(true);
    expect(stderr(response)).toMatch(/MemoryError/);
  });

  it("stops an infinite loop at the wall-time limit", async () => {
    const started = Date.now();
    const response = await run("while True:\n    pass", 1);
    expect(response.status).toBe("Failed");
    expect(response.run_result?.status).toBe("TimeLimitExceeded");
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("reports a CPU-bound loop stopped by its CPU-time limit as TimeLimitExceeded (not a plain finish)", async () => {
    const cpuBound = await LocalSandbox.start({ workers: 1, limits: { wallSeconds: 8, cpuSeconds: 1 } });
    try {
      const response = await cpuBound.runCode({
        code: "print('started', flush=True)\nwhile True:\n    pass",
        language: "python",
      });
      expect(response.status).toBe("Failed");
      expect(response.run_result?.status).toBe("TimeLimitExceeded");
      expect(response.run_result?.stdout).toBe("started\n");
      expect(response.message).toMatch(/cpu time limit/);
    } finally {
      await cpuBound.close();
    }
  });

  it("cuts a 100 MB print at the output limit, at once", async () => {
    const started = Date.now();
    const response = await run("import sys\nsys.stdout.write('x' * 100_000_000)");
    expect(isToolError(response)).toBe(true);
    expect(response.message).toMatch(/output limit of 1048576 bytes exceeded/);
    expect(stdout(response).length).toBeLessThanOrEqual(1 << 20);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("100 calls in a row leak no process, file or state", async () => {
    const foldersBefore = sandboxFolders().length;
    for (let call = 0; call < 100; call++) {
      const code = `import os, subprocess\nprint(sorted(os.listdir('.')), 'leak' in globals())\nopen('f${call}', 'w').write('x')\nleak = 1\nsubprocess.Popen(['sleep', '60']) if ${call % 10} == 0 else None`;
      const response = await run(code);
      expect(stdout(response)).toBe("[] False\n");
    }
    expect(descendants().length).toBe(processesWhenIdle);
    expect(sandboxFolders().length).toBe(foldersBefore);
  });

  it("closing the pool ends every worker and removes its folders", async () => {
    const other = await LocalSandbox.start({ workers: 1 });
    const folders = sandboxFolders().length;
    await other.runCode({ code: "import subprocess\nsubprocess.Popen(['sleep', '60'])", language: "python" });
    await other.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(descendants().length).toBe(processesWhenIdle);
    expect(sandboxFolders().length).toBe(folders - 1);
  });
});
