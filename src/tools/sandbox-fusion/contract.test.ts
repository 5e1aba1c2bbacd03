import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalSandbox } from "../sandbox/local-sandbox.js";
import type { CodeSandbox, RunCodeRequest, RunCodeResponse } from "../types.js";
import { SandboxFusionClient } from "./client.js";
import { type RunningSandboxServer, startSandboxServer } from "./server.js";

/** One table of calls, answered alike by the local sandbox and by client → server → local sandbox. */
const CASES: { name: string; request: RunCodeRequest; expect: (response: RunCodeResponse) => void }[] = [
  {
    name: "success with stdout",
    request: { code: "print(6 * 7)", language: "python" },
    expect: (r) => {
      expect(r.status).toBe("Success");
      expect(r.run_result).toMatchObject({ status: "Finished", return_code: 0, stdout: "42\n", stderr: "" });
      expect(r.run_result?.execution_time).toBeGreaterThan(0);
    },
  },
  {
    name: "stdin is the program's input",
    request: { code: "print(input()[::-1])", language: "python", stdin: "abc\n" },
    expect: (r) => expect(r.run_result?.stdout).toBe("cba\n"),
  },
  {
    name: "non-zero exit is Failed with its return code",
    request: { code: "import sys\nsys.stderr.write('bad')\nsys.exit(3)", language: "python" },
    expect: (r) => {
      expect(r.status).toBe("Failed");
      expect(r.run_result).toMatchObject({ status: "Finished", return_code: 3, stderr: "bad" });
    },
  },
  {
    name: "run_timeout gives TimeLimitExceeded",
    request: { code: "while True: pass", language: "python", run_timeout: 1 },
    expect: (r) => {
      expect(r.status).toBe("Failed");
      expect(r.run_result?.status).toBe("TimeLimitExceeded");
    },
  },
  {
    name: "files in, fetch_files out (base64)",
    request: {
      code: "open('out.txt', 'w').write(open('in.txt').read().upper())",
      language: "python",
      files: { "in.txt": Buffer.from("hello").toString("base64") },
      fetch_files: ["out.txt"],
    },
    expect: (r) => expect(Buffer.from(r.files?.["out.txt"] ?? "", "base64").toString()).toBe("HELLO"),
  },
  {
    name: "memory_limit_MB lowers the memory limit",
    request: { code: "x = bytearray(300 * 1024**2)", language: "python", memory_limit_MB: 200 },
    expect: (r) => expect(r.run_result?.stderr).toMatch(/MemoryError/),
  },
  {
    name: "an unsupported language is a SandboxError naming the supported ones",
    request: { code: "int main(){}", language: "cpp" },
    expect: (r) => {
      expect(r.status).toBe("SandboxError");
      expect(r.message).toMatch(/"cpp" is not supported \(supported: python\)/);
    },
  },
];

describe("SandboxFusion API: local sandbox and client → server answer alike", () => {
  let local: LocalSandbox;
  let served: RunningSandboxServer;
  let client: SandboxFusionClient;
  const token = "test-token";

  beforeAll(async () => {
    local = await LocalSandbox.start({ workers: 2 });
    served = await startSandboxServer(local, { port: 0, token });
    client = new SandboxFusionClient({ url: served.url, token });
  });
  afterAll(async () => {
    await served.close();
    await local.close();
  });

  const targets: [string, () => CodeSandbox][] = [
    ["local", () => local],
    ["client → server", () => client],
  ];
  for (const [target, sandbox] of targets) {
    for (const testCase of CASES) {
      it(`${target}: ${testCase.name}`, async () =>
        testCase.expect(await sandbox().runCode(testCase.request)));
    }
  }

  it("GET /v1/ping answers pong", async () => {
    const response = await fetch(`${served.url}/v1/ping`, { headers: { authorization: `Bearer ${token}` } });
    expect(await response.json()).toBe("pong");
  });

  it("refuses a missing or wrong token, an unknown field, an oversized body and an unknown route", async () => {
    const post = (body: string, auth = `Bearer ${token}`, path = "/run_code") =>
      fetch(`${served.url}${path}`, { method: "POST", body, headers: { authorization: auth } });
    const good = JSON.stringify({ code: "print(1)", language: "python" });
    expect((await post(good, "")).status).toBe(401);
    expect((await post(good, "Bearer wrong-token")).status).toBe(401);
    const unknown = await post(JSON.stringify({ code: "1", language: "python", timeout: 3 }));
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { detail: string }).detail).toMatch(
      /unknown field\(s\) timeout \(known: code, language/,
    );
    expect((await post(JSON.stringify({ code: "x".repeat(2 << 20), language: "python" }))).status).toBe(413);
    expect((await post(good, `Bearer ${token}`, "/run_jupyter")).status).toBe(404);
  });

  it("the client reports an unreachable service and a wrong token as SandboxError", async () => {
    const wrong = await new SandboxFusionClient({ url: served.url, token: "nope" }).runCode({
      code: "1",
      language: "python",
    });
    expect(wrong).toMatchObject({ status: "SandboxError" });
    expect(wrong.message).toMatch(/answered 401/);
    const gone = await new SandboxFusionClient({ url: "http://127.0.0.1:9" }).runCode({
      code: "1",
      language: "python",
    });
    expect(gone.status).toBe("SandboxError");
    expect(gone.message).toMatch(/unreachable/);
  });

  it("will not serve without a token beyond loopback", async () => {
    await expect(startSandboxServer(local, { host: "0.0.0.0", port: 0, token: null })).rejects.toThrow(
      /without a token/,
    );
  });
});
