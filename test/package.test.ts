import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/cli.js";

// The published shape: `npm pack`, install the tarball in a separate folder, `import('boxed')`.
describe("npm package", () => {
  const work = mkdtempSync(join(tmpdir(), "boxed-pack-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("installs from its tarball and exports the public API", () => {
    execFileSync("npm", ["run", "build", "--silent"], { cwd: REPO_ROOT, stdio: "pipe" });
    const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    })
      .trim()
      .split("\n")
      .pop()!;
    const consumer = join(work, "consumer");
    execFileSync("mkdir", ["-p", consumer]);
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", type: "module" }));
    execFileSync(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", join(work, tarball)],
      { cwd: consumer, stdio: "pipe" },
    );
    const printed = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        "const m = await import('boxed'); console.log(JSON.stringify(Object.keys(m).sort()))",
      ],
      { cwd: consumer, encoding: "utf8" },
    );
    const names: string[] = JSON.parse(printed);
    expect(names).toContain("VERSION");
  }, 300_000);
});
