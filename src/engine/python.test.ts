import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENGINE_SOURCE_DIR, PACKAGE_ROOT, pythonEnvironment, resolvePython } from "./python.js";

describe("resolvePython", () => {
  it("prefers $BOXED_PYTHON", () => {
    expect(resolvePython({ BOXED_PYTHON: "/opt/python/bin/python3.12" })).toBe("/opt/python/bin/python3.12");
  });

  it("falls back to the project's venv, else python3", () => {
    const venv = join(PACKAGE_ROOT, ".venv", "bin", "python");
    expect(resolvePython({})).toBe(existsSync(venv) ? venv : "python3");
    expect(resolvePython({ BOXED_PYTHON: "" })).toBe(resolvePython({}));
  });

  it("finds the repository root from this file", () => {
    expect(existsSync(join(PACKAGE_ROOT, "package.json"))).toBe(true);
    expect(existsSync(join(ENGINE_SOURCE_DIR, "boxed_engine", "__init__.py"))).toBe(true);
  });
});

describe("pythonEnvironment", () => {
  it("puts the engine source first on PYTHONPATH and keeps the caller's", () => {
    const environment = pythonEnvironment({ PYTHONPATH: "/extra", FOO: "bar" });
    expect(environment.PYTHONPATH).toBe(`${ENGINE_SOURCE_DIR}:/extra`);
    expect(environment.FOO).toBe("bar");
    expect(environment.PYTHONUNBUFFERED).toBe("1");
  });
});
