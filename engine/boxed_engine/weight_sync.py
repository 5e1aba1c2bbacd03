"""Weight sync for a boxed engine that serves rollouts while another process trains.

Three routes, shapes as the inference servers define them:
- `POST /export_adapter {path}`: the trainer writes its LoRA adapter only (PEFT layout:
  adapter_config.json + adapter_model.safetensors), what vLLM's dynamic LoRA loading reads.
- `POST /v1/load_lora_adapter {lora_name, lora_path, load_inplace?}` and
  `POST /v1/unload_lora_adapter {lora_name, lora_int_id?}`: vLLM's runtime LoRA API
  (vllm/entrypoints/openai/serving_models.py `load_lora_adapter`, protocol `LoadLoRAAdapterRequest`):
  200 with the plain-text body "Success: LoRA adapter '<name>' added successfully."; an already loaded
  name without load_inplace is a 400; an unknown name to unload a 404.
- `POST /update_weights_from_disk {model_path, load_format?, abort_all_requests?, weight_version?, ...}`:
  SGLang's (python/sglang/srt/entrypoints/http_server.py, io_struct `UpdateWeightFromDiskReqInput`):
  200 `{"success": true, "message", "num_paused_requests"}`, 400 with success false.

Where boxed differs: it keeps one adapter at a time, merged into the served weights
(W = W_base + (α/r)·B·A, Hu et al. 2021, arXiv:2106.09685); loading another replaces it, and its name is
the one the OpenAI routes report. Everything read is safetensors (never a pickle); paths must be absolute and
inside the engine's state directories (`--state-dir`), like /save_state's; a read may also name the served
model's folder (to go back to the base weights), which is never written.
"""

import json
from pathlib import Path

import torch
from fastapi import FastAPI
from pydantic import Field
from safetensors import SafetensorError
from safetensors.torch import load_file
from starlette.responses import JSONResponse, PlainTextResponse

from boxed_engine.engine import Engine
from boxed_engine.errors import EngineError
from boxed_engine.limits import Limits, confine
from boxed_engine.routing import json_route
from boxed_engine.schemas import Strict

ADAPTER_CONFIG, ADAPTER_WEIGHTS = "adapter_config.json", "adapter_model.safetensors"


class ExportAdapterRequest(Strict):
    path: str


class LoadLoRAAdapterRequest(Strict):
    lora_name: str = Field(min_length=1)
    lora_path: str = Field(min_length=1)
    load_inplace: bool = False


class UnloadLoRAAdapterRequest(Strict):
    lora_name: str = Field(min_length=1)
    lora_int_id: int | None = None


class UpdateWeightFromDiskRequest(Strict):
    model_path: str = Field(min_length=1)
    load_format: str | None = None
    abort_all_requests: bool = False
    weight_version: str | None = None
    flush_cache: bool = True


def checked_path(engine: Engine, limits: Limits, raw: str, param: str, *, writing: bool = False) -> Path:
    """An absolute path, resolved (so `..` and links are seen through), inside one of the engine's state
    directories (`--state-dir`, limits.confine) and outside the served model's folder; a read may also name
    the served model's folder itself (back to the base weights)."""
    if not Path(raw).is_absolute():
        raise EngineError(f"{param} must be an absolute path, got {raw!r}", param=param)
    if not writing and Path(raw).resolve() == engine.options.model.resolve():
        return engine.options.model.resolve()
    try:
        return confine(raw, limits.state_dirs, engine.options.model)
    except EngineError as error:
        raise EngineError(error.message, param=param) from None


def read_safetensors(path: Path, param: str) -> dict[str, torch.Tensor]:
    try:
        return load_file(str(path))
    except (SafetensorError, OSError) as error:
        raise EngineError(f"{param}: {path} is not a readable safetensors file ({error})", param=param) from None


def base_module(engine: Engine) -> torch.nn.Module:
    """The plain transformers model (under PEFT's wrapper when the engine trains LoRA)."""
    return engine.model.get_base_model() if engine.is_lora else engine.model


class WeightSync:
    """The adapter currently merged into the served weights, and the base weights it was merged onto."""

    def __init__(self, engine: Engine, limits: Limits):
        self.engine, self.limits = engine, limits
        self.adapter: str | None = None
        self.base: dict[str, torch.Tensor] = {}  # weight name → its value before any adapter
        self.version: str | None = None

    def export_adapter(self, raw: str) -> dict:
        if not self.engine.is_lora:
            raise EngineError("this engine trains full weights; start it with a LoRA rank to export an adapter "
                              "(or use /export)", status=409, param="path")
        path = checked_path(self.engine, self.limits, raw, "path", writing=True)
        path.mkdir(parents=True, exist_ok=True)
        with self.engine.weights_lock.reading():
            self.engine.model.save_pretrained(str(path), safe_serialization=True)
        return {"path": str(path)}

    def load_adapter(self, request: LoadLoRAAdapterRequest) -> PlainTextResponse:
        if request.lora_name == self.adapter and not request.load_inplace:
            raise EngineError(f"The lora adapter '{request.lora_name}' has already been loaded.", param="lora_name")
        deltas = self.adapter_deltas(checked_path(self.engine, self.limits, request.lora_path, "lora_path"))
        weights = dict(base_module(self.engine).named_parameters())
        with self.engine.weights_lock.writing(), torch.no_grad():
            self.restore_base(weights)
            for name, delta in deltas.items():
                self.base[name] = weights[name].detach().clone()
                weights[name].add_(delta.to(weights[name].device, weights[name].dtype))
            self.adapter = request.lora_name
        return PlainTextResponse(f"Success: LoRA adapter '{request.lora_name}' added successfully.")

    def unload_adapter(self, request: UnloadLoRAAdapterRequest) -> PlainTextResponse:
        if request.lora_name != self.adapter:
            return JSONResponse(EngineError(f"The lora adapter '{request.lora_name}' cannot be found.", status=404,
                                            param="lora_name", kind="NotFoundError").body(), status_code=404)
        with self.engine.weights_lock.writing(), torch.no_grad():
            self.restore_base(dict(base_module(self.engine).named_parameters()))
            self.adapter = None
        return PlainTextResponse(f"Success: LoRA adapter '{request.lora_name}' removed successfully.")

    def restore_base(self, weights: dict[str, torch.nn.Parameter]) -> None:
        for name, value in self.base.items():
            weights[name].copy_(value)
        self.base.clear()

    def adapter_deltas(self, directory: Path) -> dict[str, torch.Tensor]:
        """ΔW = s·B·A per target weight, s = α/r (α/√r with rsLoRA), from a PEFT adapter directory."""
        config_file = directory / ADAPTER_CONFIG
        if not config_file.is_file():
            raise EngineError(f"No adapter found at {directory} ({ADAPTER_CONFIG} missing)", status=404, param="lora_path")
        config = json.loads(config_file.read_text(encoding="utf-8"))
        rank, alpha = int(config["r"]), float(config["lora_alpha"])
        scale = alpha / rank ** 0.5 if config.get("use_rslora") else alpha / rank
        tensors = read_safetensors(directory / ADAPTER_WEIGHTS, "lora_path")
        weights = dict(base_module(self.engine).named_parameters())
        deltas: dict[str, torch.Tensor] = {}
        for key, down in tensors.items():
            if not key.endswith(".lora_A.weight"):
                continue
            module = key.removeprefix("base_model.model.").removesuffix(".lora_A.weight")
            up = tensors.get(key.replace(".lora_A.", ".lora_B."))
            target = f"{module}.base_layer.weight" if f"{module}.base_layer.weight" in weights else f"{module}.weight"
            if up is None or target not in weights:
                raise EngineError(f"adapter weight {key} matches no weight of the served model", status=409,
                                  param="lora_path")
            delta = scale * (up.float() @ down.float())
            if delta.shape != weights[target].shape:
                raise EngineError(f"adapter {module}: ΔW {tuple(delta.shape)} ≠ weight {tuple(weights[target].shape)}",
                                  status=409, param="lora_path")
            deltas[target] = delta
        if not deltas:
            raise EngineError(f"{directory / ADAPTER_WEIGHTS} holds no lora_A/lora_B pairs", param="lora_path")
        return deltas

    def update_from_disk(self, request: UpdateWeightFromDiskRequest) -> dict:
        if request.load_format not in (None, "auto", "safetensors"):
            raise EngineError(f"load_format {request.load_format!r}: boxed reads safetensors only", param="load_format")
        tensors = self.full_weights(checked_path(self.engine, self.limits, request.model_path, "model_path"))
        parameters = dict(base_module(self.engine).named_parameters())
        state = base_module(self.engine).state_dict()
        unknown = sorted(set(tensors) - set(state))
        if unknown:
            raise EngineError(f"model_path holds weights this model lacks: {', '.join(unknown[:5])}", param="model_path")
        for name, tensor in tensors.items():
            if tuple(tensor.shape) != tuple(state[name].shape):
                raise EngineError(f"{name}: shape {tuple(tensor.shape)} ≠ served {tuple(state[name].shape)}", param="model_path")
        loaded = {state[name].data_ptr() for name in tensors}  # tied weights (lm_head = embeddings) share one
        missing = [name for name, parameter in parameters.items() if parameter.data_ptr() not in loaded]
        if missing:
            raise EngineError(f"model_path lacks weights: {', '.join(missing[:5])}", param="model_path")
        with self.engine.weights_lock.writing(), torch.no_grad():
            for name, tensor in tensors.items():
                state[name].copy_(tensor.to(state[name].device, state[name].dtype))
            self.base.clear()
            self.adapter = None
            self.version = request.weight_version
        message = "Succeeded to update model weights."
        if request.weight_version is not None:
            message += f" Weight version updated to {request.weight_version}."
        return {"success": True, "message": message, "num_paused_requests": 0}

    def full_weights(self, directory: Path) -> dict[str, torch.Tensor]:
        """model.safetensors, or the shards model.safetensors.index.json names (never *.bin / *.pt)."""
        index = directory / "model.safetensors.index.json"
        if index.is_file():
            shards = sorted(set(json.loads(index.read_text(encoding="utf-8"))["weight_map"].values()))
            files = [checked_path(self.engine, self.limits, str(directory / shard), "model_path") for shard in shards]
        elif (directory / "model.safetensors").is_file():
            files = [directory / "model.safetensors"]
        else:
            raise EngineError(f"{directory} has no model.safetensors (boxed loads safetensors only)", status=404,
                              param="model_path")
        tensors: dict[str, torch.Tensor] = {}
        for file in files:
            if file.parent != directory:
                raise EngineError(f"shard {file} lies outside {directory}", param="model_path")
            tensors |= read_safetensors(file, "model_path")
        return tensors


def sglang_failure(handler):
    """SGLang answers a failed update with 400 `{"success": false, "message", "num_paused_requests"}`."""
    def route(body):
        try:
            return handler(body)
        except EngineError as error:
            content = {"success": False, "message": error.message, "num_paused_requests": 0}
            return JSONResponse(content, status_code=400 if error.status < 500 else error.status)

    route.__name__ = handler.__name__
    return route


def add_weight_sync_routes(app: FastAPI, engine: Engine, limits: Limits) -> WeightSync:
    sync = WeightSync(engine, limits)
    app.state.weight_sync = sync

    def exclusive(function):
        with engine.training_lock:
            return function()

    json_route(app, "/export_adapter", ExportAdapterRequest)(
        lambda body: exclusive(lambda: sync.export_adapter(body.path)))
    json_route(app, "/v1/load_lora_adapter", LoadLoRAAdapterRequest)(
        lambda body: exclusive(lambda: sync.load_adapter(body)))
    json_route(app, "/v1/unload_lora_adapter", UnloadLoRAAdapterRequest)(
        lambda body: exclusive(lambda: sync.unload_adapter(body)))
    json_route(app, "/update_weights_from_disk", UpdateWeightFromDiskRequest)(
        sglang_failure(lambda body: exclusive(lambda: sync.update_from_disk(body))))
    return sync
