import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolvePython } from "../../engine/python.js";
import { locatePython, minimalCover } from "./command.js";
import { resolveLimits } from "./limits.js";
import { WorkerProcess } from "./worker-process.js";

describe("sandbox paths: what may be bound", () => {
  it("binds paths under /tmp and /etc at their own paths, drops provided and nested ones", () => {
    expect(minimalCover(["/tmp/x/.venv", "/tmp/x/.venv/lib", "/usr/lib/python3", "/etc/py/bin"])).toEqual([
      "/etc/py/bin",
      "/tmp/x/.venv",
    ]);
  });

  it("rejects the sandbox's own mounts and any path that would show a whole folder of the host's", () => {
    for (const [path, reason] of [
      ["/sandbox/venv", "/sandbox is its own"],
      ["/proc/1/root", "/proc is its own"],
      ["/dev/shm/venv", "/dev is its own"],
      ["/tmp", "it would show the host's /tmp"],
      ["/etc", "it would show the host's /etc"],
      ["/", "it would show the host's /sandbox"],
    ] as const) {
      expect(() => minimalCover([path])).toThrow(`the sandbox cannot bind ${path}: ${reason}`);
    }
  });
});

/** A worker whose install also binds a folder under the host's /tmp, as a clone in /tmp/x would. */
describe("sandbox paths: a bound folder under /tmp", () => {
  const limits = resolveLimits({ workMb: 8, wallSeconds: 5 });
  let host: string;
  let bound: string;
  let worker: WorkerProcess | undefined;
  const run = async (code: string) => {
    if (worker === undefined) throw new Error("the worker did not start");
    const result = await worker.run({ code, limits });
    return { out: result.stdout ?? "", err: result.stderr ?? "", code: result.return_code };
  };

  beforeAll(async () => {
    host = mkdtempSync(join(tmpdir(), "boxed-tmp-paths-"));
    bound = join(host, "clone", "venv");
    mkdirSync(bound, { recursive: true });
    writeFileSync(join(bound, "data.txt"), "bound");
    writeFileSync(join(host, "clone", "secret.txt"), "secret");
    const python = await locatePython(resolvePython());
    const started = new WorkerProcess(
      { ...python, readOnlyPaths: [...python.readOnlyPaths, bound] },
      limits.workMb,
    );
    worker = started;
    await started.ready;
  });
  afterAll(async () => {
    await worker?.close(); // undefined when the Python was not found
    rmSync(host, { recursive: true, force: true });
  });

  it("reads the bound folder at its own path, and nothing beside it", async () => {
    expect((await run(`print(open(${JSON.stringify(join(bound, "data.txt"))}).read())`)).out).toBe("bound\n");
    const secret = await run(`open(${JSON.stringify(join(host, "clone", "secret.txt"))})`);
    expect(secret.err).toMatch(/FileNotFoundError/);
  });

  it("cannot write into, remove or rename the bound folder or the folders leading to it", async () => {
    for (const statement of [
      `open(${JSON.stringify(join(bound, "new.txt"))}, "w")`,
      `open(${JSON.stringify(join(host, "clone", "new.txt"))}, "w")`,
      `open(${JSON.stringify(join(host, "new.txt"))}, "w")`,
      `import os; os.rename(${JSON.stringify(host)}, "/tmp/moved")`,
      `import shutil; shutil.rmtree(${JSON.stringify(host)})`,
    ]) {
      const response = await run(statement);
      expect(response.code, statement).not.toBe(0);
      expect(response.err, statement).toMatch(
        /Read-only file system|Device or resource busy|Permission denied|Operation not permitted/,
      );
    }
    expect((await run(`print(open(${JSON.stringify(join(bound, "data.txt"))}).read())`)).out).toBe("bound\n");
  });

  it("has a writable /tmp that is emptied after each call, but for the bound folders", async () => {
    const list = "import os; print(sorted(os.listdir('/tmp')), os.listdir('/sandbox'))";
    const before = (await run(list)).out; // the bound folders (and boxed's own, when it lives in /tmp)
    expect(before).toContain(`'${basename(host)}'`);
    const write = await run(
      "open('/tmp/note', 'w').write('x'); import os; os.mkdir('/tmp/dir'); print('ok')",
    );
    expect(write.out).toBe("ok\n");
    expect((await run(list)).out).toBe(before);
    expect(before).toMatch(/\] \[\]\n$/);
  });

  it("counts /tmp and /sandbox against one work-size limit", async () => {
    const response = await run(
      "open('/tmp/a', 'wb').write(b'x' * 5_000_000)\nopen('/sandbox/b', 'wb').write(b'x' * 5_000_000)",
    );
    expect(response.err).toMatch(/No space left on device/);
  });
});
