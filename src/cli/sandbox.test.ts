import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SandboxFusionClient } from "../tools/sandbox-fusion/client.js";

const CLI = fileURLToPath(new URL("./main.ts", import.meta.url));

describe("boxed sandbox serve", () => {
  it("serves SandboxFusion's /run_code with a token, and stops on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", CLI, "sandbox", "serve", "--port", "0", "--workers", "1", "--token", "cli-token"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
        const match = /listening on (http:\/\/\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const response = await new SandboxFusionClient({ url, token: "cli-token" }).runCode({
      code: "print(2**10)",
      language: "python",
    });
    expect(response.run_result?.stdout).toBe("1024\n");
    const refused = await new SandboxFusionClient({ url }).runCode({ code: "print(1)", language: "python" });
    expect(refused.message).toMatch(/answered 401/);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
