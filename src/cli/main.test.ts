import { describe, expect, it } from "vitest";
import { runCli } from "../../test/helpers/cli.js";
import { VERSION } from "../version.js";

describe("boxed CLI", () => {
  it("prints its version", async () => {
    const result = await runCli(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });

  it("prints help that names the program", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: boxed");
  });

  it("rejects an unknown option with a clear error", async () => {
    const result = await runCli(["--no-such-option"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/unknown option '--no-such-option'/);
  });
});
