import { join, resolve } from "node:path";
import { initModel } from "../../engine/init-model.js";
import { startEngine } from "../../engine/process.js";
import { loadModelText } from "./codec.js";
import type { TrainConfig } from "./config.js";
import { checkMinimalConfig, type MinimalStep, minimalLoop } from "./minimal.js";
import { configProblemSource } from "./problems.js";

/**
 * `boxed train --minimal`: starts the engine on `model.path` ("tiny" creates the tiny preset in
 * `<out>/initial-model`), runs `minimalLoop`, prints one line per step on stderr, and exports the
 * trained model to `<out>/model` (a HF directory for `boxed eval --engine-model`).
 */
export async function runMinimalTraining(
  config: TrainConfig,
): Promise<{ steps: MinimalStep[]; model: string }> {
  checkMinimalConfig(config);
  const out = resolve(config.out);
  let modelDirectory = config.model.path;
  if (modelDirectory === "tiny") {
    modelDirectory = join(out, "initial-model");
    await initModel({ out: modelDirectory, preset: "tiny", seed: config.model.seed });
  }
  const engine = await startEngine({
    model: modelDirectory,
    seed: config.seed,
    dtype: config.model.dtype,
    stateDir: out,
  });
  try {
    const text = await loadModelText(modelDirectory, config.data.template);
    const source = configProblemSource(config);
    const steps = await minimalLoop({
      config,
      client: engine.client,
      codec: text.codec,
      encodePrompt: text.encodePrompt,
      source,
      onStep: (step) =>
        process.stderr.write(
          `step ${step.step}/${config.steps}  reward ${step.rewardMean.toFixed(3)}  loss ${step.loss.toFixed(4)}  ` +
            `grad ${step.gradNorm.toFixed(3)}  ${step.seconds.toFixed(2)}s\n`,
        ),
    });
    const model = join(out, "model");
    await engine.client.export(model);
    return { steps, model };
  } finally {
    await engine.stop();
  }
}
