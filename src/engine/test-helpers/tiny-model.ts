import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initModel } from "../init-model.js";
import { ENGINE_SOURCE_DIR } from "../python.js";

/** Files whose content decides what `init_model` writes. */
function initSources(): string[] {
  const packageDir = join(ENGINE_SOURCE_DIR, "boxed_engine");
  const assets = join(packageDir, "assets");
  const assetFiles = existsSync(assets) ? readdirSync(assets).map((name) => join(assets, name)) : [];
  return [join(packageDir, "init_model.py"), join(packageDir, "tokenizer_builder.py"), ...assetFiles.sort()];
}

/**
 * The tiny preset model for a seed, made once with `initModel` and shared by test files through
 * a temp folder named by the hash of the init sources (the model is a deterministic function of
 * them and the seed). Tests must not write into it.
 */
export async function tinyModel(seed = 0): Promise<string> {
  const hash = createHash("sha256");
  for (const file of initSources()) hash.update(file).update(readFileSync(file));
  const directory = join(tmpdir(), `boxed-tiny-${seed}-${hash.digest("hex").slice(0, 16)}`);
  if (existsSync(join(directory, "model.safetensors"))) return directory;
  const staging = `${directory}.staging-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  await initModel({ out: staging, preset: "tiny", seed });
  try {
    renameSync(staging, directory);
  } catch (error) {
    // Another test file finished first: its copy is identical.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(directory, "model.safetensors"))) throw error;
  }
  return directory;
}
