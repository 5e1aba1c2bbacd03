/** Engine client: protocol schemas, the HTTP client, starting the Python engine, model init. */
export { EngineClient, type EngineClientOptions } from "./client.js";
export { type ConnectEngineOptions, connectEngine } from "./connect.js";
export { EngineError } from "./errors.js";
export { type InitModelOptions, initModel, type PythonRun, runPython } from "./init-model.js";
export {
  engineArguments,
  type LoraOptions,
  type RunningEngine,
  type StartEngineOptions,
  startEngine,
} from "./process.js";
export { ENGINE_SOURCE_DIR, PACKAGE_ROOT, pythonEnvironment, resolvePython } from "./python.js";
export * from "./schemas.js";
