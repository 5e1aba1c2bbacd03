"""Exact-resume checkpoints (trainable weights, AdamW state, RNG states, step) and HF export.

Nothing here unpickles: tensors are safetensors, everything else JSON, so a state folder planted by someone
else can at worst fail validation. `load_state` reads and checks every file before it changes anything.
"""

import copy
import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from boxed_engine import PROTOCOL_VERSION
from boxed_engine.engine import Engine
from boxed_engine.errors import EngineError
from boxed_engine.training import Trainer
from boxed_engine.distributed import checkpoint as sharded  # a module: it imports this one too

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json",
                   "vocab.json", "merges.txt", "chat_template.jinja")
FILES = ("state.json", "trainable.safetensors", "optimizer.safetensors", "optimizer.json", "rng.safetensors", "rng.json")


def save_state(engine: Engine, trainer: Trainer, path: Path) -> dict:
    writing(path)
    tensors = {name: parameter.detach().contiguous().cpu() for name, parameter in engine.trainable_parameters()}
    save_file(tensors, str(path / "trainable.safetensors"))
    optimizer_tensors, optimizer_meta = optimizer_files(trainer.ensure_optimizer())
    save_file(optimizer_tensors, str(path / "optimizer.safetensors"))
    write_json(path / "optimizer.json", optimizer_meta)
    save_rng(engine, path)
    meta = {"protocol": PROTOCOL_VERSION, "step": engine.step, "lora": engine.is_lora, "model": str(engine.options.model)}
    write_json(path / "state.json", meta)
    return {"path": str(path)}


def save_rng(engine: Engine, path: Path, stem: str = "rng") -> None:
    """torch, sampler and CUDA generator states in `<stem>.safetensors`; python's and numpy's in `<stem>.json`."""
    rng_tensors = {"torch": torch.get_rng_state(), "sampling": engine.sampling_generator.get_state()}
    if torch.cuda.is_available():
        rng_tensors |= {f"cuda.{index}": state for index, state in enumerate(torch.cuda.get_rng_state_all())}
    save_file(rng_tensors, str(path / f"{stem}.safetensors"))
    kind, keys, position, has_gauss, gauss = numpy.random.get_state()
    version, python_state, python_gauss = random.getstate()
    write_json(path / f"{stem}.json", {"python": [version, list(python_state), python_gauss],
                                       "numpy": [kind, keys.tolist(), int(position), int(has_gauss), float(gauss)]})


def read_rng(path: Path, stem: str = "rng") -> tuple[dict[str, torch.Tensor], tuple, tuple]:
    """The states `save_rng` wrote, each checked on a scratch generator (a 422 names what is wrong)."""
    try:
        tensors = load_file(str(path / f"{stem}.safetensors"))
        meta = json.loads((path / f"{stem}.json").read_text(encoding="utf-8"))
        return (tensors, *checked_rng(tensors, meta))
    except (OSError, ValueError, SafetensorError, KeyError, TypeError, IndexError, RuntimeError) as error:
        raise EngineError(f"the RNG state {stem} at {path} is invalid: {type(error).__name__}: {error}", status=422,
                          param="path") from None


def apply_rng(engine: Engine, tensors: dict[str, torch.Tensor], python_rng: tuple, numpy_rng: tuple) -> None:
    torch.set_rng_state(tensors["torch"])
    engine.sampling_generator.set_state(tensors["sampling"])
    random.setstate(python_rng)
    numpy.random.set_state(numpy_rng)
    if torch.cuda.is_available() and "cuda.0" in tensors:
        torch.cuda.set_rng_state_all([tensors[f"cuda.{i}"] for i in range(torch.cuda.device_count())])


def read_optimizer(path: Path, optimizer: torch.optim.Optimizer, parameters: dict[str, torch.nn.Parameter]) -> dict:
    """AdamW's state_dict from optimizer.safetensors + optimizer.json, shapes checked against `parameters`."""
    try:
        tensors = load_file(str(path / "optimizer.safetensors"))
        meta = json.loads((path / "optimizer.json").read_text(encoding="utf-8"))
        return checked_optimizer_state(optimizer, tensors, meta, parameters)
    except (OSError, ValueError, SafetensorError, KeyError, TypeError, IndexError, RuntimeError) as error:
        raise EngineError(f"the optimizer state at {path} is invalid: {type(error).__name__}: {error}", status=422,
                          param="path") from None


def optimizer_files(optimizer: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict]:
    """AdamW's state_dict split into tensors (`state.<param index>.<key>`) and JSON (param groups)."""
    state = optimizer.state_dict()
    tensors = {f"state.{index}.{key}": value.contiguous().cpu()
               for index, entries in state["state"].items() for key, value in entries.items()}
    return tensors, {"param_groups": state["param_groups"]}


@dataclass
class LoadedState:
    """Everything `load_state` applies, read and validated first."""
    step: int
    weights: dict[str, torch.Tensor]
    optimizer: dict
    rng_tensors: dict[str, torch.Tensor]
    python_rng: tuple
    numpy_rng: tuple


def load_state(engine: Engine, trainer: Trainer, path: Path) -> dict:
    if sharded.is_sharded(path):  # saved by a torchrun engine: DCP reshards it onto this one process
        return sharded.load_sharded(engine, trainer, path)
    loaded = read_state(engine, trainer, path)
    with engine.weights_lock.writing():
        with torch.no_grad():
            for name, parameter in engine.trainable_parameters():
                parameter.copy_(loaded.weights[name].to(parameter.device, parameter.dtype))
        engine.model.zero_grad(set_to_none=True)
        trainer.ensure_optimizer().load_state_dict(loaded.optimizer)
        apply_rng(engine, loaded.rng_tensors, loaded.python_rng, loaded.numpy_rng)
        engine.step = loaded.step
        trainer.pending.clear()
    return {"step": engine.step}


def read_state(engine: Engine, trainer: Trainer, path: Path) -> LoadedState:
    if not (path / "state.json").exists():
        raise EngineError(f"no saved state at {path} (state.json missing)", status=404, param="path")
    missing = [name for name in FILES if not (path / name).is_file()]
    if missing:
        legacy = " (a state saved by an older engine, with pickled .pt files: they are never loaded)" \
            if (path / "optimizer.pt").exists() else ""
        raise EngineError(f"the saved state at {path} lacks {', '.join(missing)}{legacy}", status=422, param="path")
    try:
        meta = json.loads((path / "state.json").read_text(encoding="utf-8"))
        weights = load_file(str(path / "trainable.safetensors"))
        optimizer_tensors = load_file(str(path / "optimizer.safetensors"))
        optimizer_meta = json.loads((path / "optimizer.json").read_text(encoding="utf-8"))
        rng_tensors = load_file(str(path / "rng.safetensors"))
        rng_meta = json.loads((path / "rng.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, SafetensorError) as error:
        raise EngineError(f"the saved state at {path} is unreadable: {error}", status=422, param="path") from None
    parameters = dict(engine.trainable_parameters())
    check_weights(weights, parameters)
    try:
        optimizer = checked_optimizer_state(trainer.ensure_optimizer(), optimizer_tensors, optimizer_meta, parameters)
        python_rng, numpy_rng = checked_rng(rng_tensors, rng_meta)
        step = int(meta["step"])
    except (KeyError, TypeError, ValueError, IndexError, RuntimeError) as error:
        raise EngineError(f"the saved state at {path} is invalid: {type(error).__name__}: {error}", status=422,
                          param="path") from None
    return LoadedState(step, weights, optimizer, rng_tensors, python_rng, numpy_rng)


def check_weights(weights: dict[str, torch.Tensor], parameters: dict[str, torch.nn.Parameter]) -> None:
    if set(weights) != set(parameters):
        raise EngineError("the saved state's parameters do not match this engine's trainable parameters "
                          "(different model or LoRA configuration)", status=409, param="path")
    for name, parameter in parameters.items():
        if weights[name].shape != parameter.shape:
            raise EngineError(f"the saved weight {name} has shape {list(weights[name].shape)}, this engine's "
                              f"{list(parameter.shape)}", status=409, param="path")


def checked_optimizer_state(optimizer: torch.optim.Optimizer, tensors: dict[str, torch.Tensor], meta: dict,
                            parameters: dict[str, torch.nn.Parameter]) -> dict:
    """Rebuilds AdamW's state_dict; every tensor must match its parameter's shape (`step` is a scalar)."""
    shapes = [parameter.shape for parameter in parameters.values()]
    groups = meta["param_groups"]
    current = optimizer.state_dict()["param_groups"]
    if [len(group["params"]) for group in groups] != [len(group["params"]) for group in current]:
        raise ValueError("the optimizer's parameter groups differ from this engine's")
    for group in groups:
        group["betas"] = tuple(float(beta) for beta in group["betas"])
    state: dict[int, dict[str, torch.Tensor]] = {}
    for name, tensor in tensors.items():
        _, index, key = name.split(".", 2)
        expected = torch.Size([]) if key == "step" else shapes[int(index)]
        if key not in ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq") or tensor.shape != expected:
            raise ValueError(f"optimizer tensor {name} has shape {list(tensor.shape)}, expected {list(expected)}")
        state.setdefault(int(index), {})[key] = tensor
    return {"state": state, "param_groups": groups}


def checked_rng(tensors: dict[str, torch.Tensor], meta: dict) -> tuple[tuple, tuple]:
    """Each RNG state is tried on a scratch generator first, so a bad one fails before anything changes."""
    torch.Generator().set_state(tensors["torch"])
    torch.Generator().set_state(tensors["sampling"])
    version, python_state, python_gauss = meta["python"]
    python_rng = (int(version), tuple(int(value) for value in python_state), python_gauss)
    random.Random().setstate(python_rng)
    kind, keys, position, has_gauss, gauss = meta["numpy"]
    numpy_rng = (str(kind), numpy.array(keys, dtype=numpy.uint32), int(position), int(has_gauss), float(gauss))
    numpy.random.RandomState().set_state(numpy_rng)
    return python_rng, numpy_rng


def export_model(engine: Engine, path: Path) -> dict:
    """A standard HF directory (config, safetensors, tokenizer); LoRA is merged into the base weights."""
    writing(path)
    with engine.weights_lock.reading():
        model = copy.deepcopy(engine.model)
    return save_merged(engine, model, path)


def save_merged(engine: Engine, model: torch.nn.Module, path: Path) -> dict:
    """Saves `model` (LoRA merged into the base) as an HF directory, with the base model's tokenizer files."""
    if engine.is_lora:
        model = model.merge_and_unload()
    model.save_pretrained(path)
    for name in TOKENIZER_FILES:
        source = engine.options.model / name
        if source.exists() and not (path / name).exists():
            shutil.copyfile(source, path / name)
    return {"path": str(path)}


def writing(path: Path) -> None:
    """Creates `path`; an OS refusal (read-only, a file in the way) is the client's 400, not a 500."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise EngineError(f"cannot write to {path}: {error.strerror or error}", param="path") from None


def write_json(path: Path, value: dict) -> None:
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")
