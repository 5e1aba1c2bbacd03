import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../test/helpers/cli.js";
import { FakePythons } from "../engine/test-helpers/fake-python.js";

const fakes = new FakePythons();
afterAll(() => fakes.remove());

// Stand-ins for `python -m boxed_engine.init_model`: one echoes its arguments, one fails like a bad preset.
const argumentsFile = join(fakes.folder, "arguments.txt");
const echoing = fakes.create(
  "echo",
  `import { writeFileSync } from "node:fs";
writeFileSync(${JSON.stringify(argumentsFile)}, process.argv.slice(2).join(" "));`,
);
const failing = fakes.create(
  "fail",
  `console.error("ValueError: preset: unknown preset 'huge'; known presets: tiny, small, medium"); process.exit(1);`,
);

describe("boxed model init", () => {
  it("runs init_model with the output folder, preset and seed, and prints the folder", async () => {
    const result = await runCli(
      ["model", "init", "--out", "/tmp/boxed-x", "--preset", "small", "--seed", "5"],
      {
        env: { BOXED_PYTHON: echoing },
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("/tmp/boxed-x");
    expect(readFileSync(argumentsFile, "utf8")).toBe(
      "-m boxed_engine.init_model --out /tmp/boxed-x --preset small --seed 5",
    );
  });

  it("reports the engine's error and exits non-zero", async () => {
    const result = await runCli(["model", "init", "--out", "/tmp/boxed-y", "--preset", "huge"], {
      env: { BOXED_PYTHON: failing },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("unknown preset 'huge'");
  });

  it("rejects a non-integer seed and a missing --out", async () => {
    const seed = await runCli(["model", "init", "--out", "/tmp/z", "--seed", "1.5"]);
    expect(seed.stderr).toContain("--seed must be an integer");
    const out = await runCli(["model", "init"]);
    expect(out.stderr).toContain("--out");
  });
});
