import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../test/helpers/cli.js";
import { FakePythons, isAlive } from "../engine/test-helpers/fake-python.js";

const fakes = new FakePythons();
afterAll(() => fakes.remove());
const CLI_SOURCE = fileURLToPath(new URL("./main.ts", import.meta.url));

describe("boxed engine start", () => {
  it("prints the URL, serves until SIGTERM, then stops the engine", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", CLI_SOURCE, "engine", "start", "--model", "/m", "--seed", "4", "--threads", "1"],
      {
        env: { ...process.env, BOXED_PYTHON: fakes.serving() },
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const url = await new Promise<string>((resolve) => {
      child.stdout.setEncoding("utf8").once("data", (chunk: string) => resolve(chunk.trim()));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: "ok", protocol: 2 });
    const enginePid = Number(/pid (\d+)/.exec(stderr)![1]);
    expect(stderr).toContain("--seed 4 --threads 1");
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    child.kill("SIGTERM");
    expect(await closed).toBe(0);
    expect(stderr).toContain("SIGTERM: stopping the engine");
    expect(isAlive(enginePid)).toBe(false);
  });

  it("rejects bad flags with the flag's name", async () => {
    const dtype = await runCli(["engine", "start", "--model", "/m", "--dtype", "float16"]);
    expect(dtype.code).not.toBe(0);
    expect(dtype.stderr).toContain("--dtype must be one of float32, bfloat16");
    const alpha = await runCli(["engine", "start", "--model", "/m", "--lora-alpha", "8"]);
    expect(alpha.stderr).toContain("--lora-alpha and --lora-targets need --lora-rank");
  });
});
