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

    // Subpaths: each loads only its capability. A resolve hook (node:module register) logs every
    // module URL the import pulls in; `boxed/rl` and `boxed/verify` must not reach SQLite or the SDK.
    writeFileSync(
      join(consumer, "hooks.mjs"),
      `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.BOXED_RESOLVE_LOG, resolved.url + "\\n");
  return resolved;
}`,
    );
    writeFileSync(
      join(consumer, "register.mjs"),
      'import { register } from "node:module"; register("./hooks.mjs", import.meta.url);',
    );
    const loaded = (subpath: string, name: string) => {
      const log = join(work, `${subpath.replace("/", "-")}.log`);
      writeFileSync(log, "");
      const exported = execFileSync(
        process.execPath,
        [
          "--import",
          "./register.mjs",
          "--input-type=module",
          "-e",
          `const m = await import('${subpath}'); console.log(typeof m.${name})`,
        ],
        { cwd: consumer, encoding: "utf8", env: { ...process.env, BOXED_RESOLVE_LOG: log } },
      ).trim();
      expect(exported, `${subpath} exports ${name}`).toBe("function");
      return execFileSync("cat", [log], { encoding: "utf8" });
    };
    const heavy = /node_modules\/(better-sqlite3|openai)\//;
    expect(loaded("boxed/rl", "policyLoss")).not.toMatch(heavy);
    expect(loaded("boxed/verify", "extractAnswer")).not.toMatch(heavy);
    expect(loaded("boxed/scale", "createStrategy")).toMatch(/node_modules\/openai\//); // the proxy needs the client
    for (const [subpath, name] of [
      ["boxed/eval", "runEvaluation"],
      ["boxed/engine", "startEngine"],
      ["boxed/sample", "OpenAIClient"],
    ])
      loaded(subpath as string, name as string);
  }, 300_000);
});
