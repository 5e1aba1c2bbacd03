import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { engineArguments, startEngine } from "./process.js";
import { FakePythons, isAlive } from "./test-helpers/fake-python.js";

const fakes = new FakePythons();
afterAll(() => fakes.remove());

const servingEngine = fakes.serving();
const crashingEngine = fakes.create(
  "crashing",
  `console.error("Traceback: no such model directory"); process.exit(3);`,
);
const silentEngine = fakes.create("silent", "setInterval(() => {}, 1000);");
const silentPidFile = join(fakes.folder, "silent.pid");

describe("startEngine", () => {
  it("waits for the ready line, returns a working client, and stop() ends the process", async () => {
    let logs = "";
    const engine = await startEngine({
      model: "/models/tiny",
      seed: 3,
      env: { BOXED_PYTHON: servingEngine },
      onStderr: (chunk) => {
        logs += chunk;
      },
    });
    expect(engine.url).toBe(`http://127.0.0.1:${engine.port}`);
    expect(await engine.client.health()).toEqual({ status: "ok", protocol: 2 });
    expect(engine.token.length).toBeGreaterThanOrEqual(32);
    expect(logs).toContain(`token ${engine.token}`); // the fake engine echoes BOXED_ENGINE_TOKEN
    expect(logs).not.toContain(`args ${engine.token}`);
    expect(isAlive(engine.pid)).toBe(true);
    await engine.stop();
    await engine.stop(); // idempotent
    expect(isAlive(engine.pid)).toBe(false);
    const exit = await engine.exited;
    expect(exit.code !== null || exit.signal !== null).toBe(true);
    expect(logs).toContain("-m boxed_engine --model /models/tiny --exit-with-parent");
  });

  it("reports an engine that exits before it is ready, with its stderr", async () => {
    const error = await startEngine({ model: "/nowhere", env: { BOXED_PYTHON: crashingEngine } }).catch(
      (e) => e,
    );
    expect(error.message).toContain("exited (code 3) before it was ready");
    expect(error.message).toContain("no such model directory");
  });

  it("times out an engine that never gets ready, and kills it", async () => {
    const start = startEngine({ model: "/m", readyTimeoutMs: 1000, env: { BOXED_PYTHON: silentEngine } });
    const error = await start.catch((e) => e);
    expect(error.message).toContain("no ready line within 1000 ms");
    expect(isAlive(Number(readFileSync(silentPidFile, "utf8")))).toBe(false);
  });

  it("reports a missing interpreter", async () => {
    const missing = join(fakes.folder, "absent");
    const error = await startEngine({ model: "/m", env: { BOXED_PYTHON: missing } }).catch((e) => e);
    expect(error.message).toMatch(/could not spawn .*absent|exited/);
  });

  it("rejects bad options by name", async () => {
    await expect(startEngine({ model: "" })).rejects.toThrow(/model must be/);
    await expect(startEngine({ model: "/m", port: 70000 })).rejects.toThrow(/port must be/);
    expect(() => engineArguments({ model: "/m", seed: 1.5 })).toThrow(/seed must be an integer/);
    expect(() => engineArguments({ model: "/m", lora: { rank: 0 } })).toThrow(/lora.rank must be positive/);
    expect(() => engineArguments({ model: "/m", threads: -1 })).toThrow(/threads must be ≥ 0/);
    expect(() => engineArguments({ model: "/m", processes: 0 })).toThrow(/processes must be ≥ 1/);
    expect(() => engineArguments({ model: "/m", processes: 1.5 })).toThrow(/processes must be an integer/);
  });
});

describe("engineArguments", () => {
  it("maps every option to the documented flag", () => {
    const args = engineArguments({
      model: "/m",
      port: 8000,
      seed: 7,
      dtype: "bfloat16",
      device: "cpu",
      threads: 1,
      tokenBudget: 4096,
      reference: "copy",
      stateDir: "/runs/a",
      lora: { rank: 8, alpha: 16, targets: ["q_proj", "v_proj"] },
    });
    expect(args.join(" ")).toBe(
      "-m boxed_engine --model /m --exit-with-parent --host 127.0.0.1 --port 8000 --seed 7 --dtype bfloat16 " +
        "--device cpu --threads 1 --token-budget 4096 " +
        "--reference copy --state-dir /runs/a --lora-rank 8 --lora-alpha 16 --lora-targets q_proj,v_proj",
    );
  });

  it("runs torchrun's module for processes > 1, a plain process for 1", () => {
    expect(engineArguments({ model: "/m", processes: 2 }).join(" ")).toBe(
      "-m torch.distributed.run --standalone --nproc-per-node 2 " +
        "-m boxed_engine --model /m --exit-with-parent --host 127.0.0.1 --port 0",
    );
    expect(engineArguments({ model: "/m", processes: 1 })[1]).toBe("boxed_engine");
  });
});

describe("no orphans", () => {
  it("the engine exits when its parent is killed with SIGKILL (stdin pipe + --exit-with-parent)", async () => {
    const processModule = new URL("./process.ts", import.meta.url).href;
    const parentProgram = `
      const { startEngine } = await import(${JSON.stringify(processModule)});
      const engine = await startEngine({ model: "/m", env: { BOXED_PYTHON: ${JSON.stringify(servingEngine)} } });
      console.log(engine.pid);
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", parentProgram], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const enginePid = await new Promise<number>((resolve) => {
      parent.stdout.setEncoding("utf8").once("data", (chunk: string) => resolve(Number(chunk.trim())));
    });
    expect(isAlive(enginePid)).toBe(true);
    parent.kill("SIGKILL");
    const deadline = Date.now() + 10_000;
    while (isAlive(enginePid) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isAlive(enginePid)).toBe(false);
  });
});
