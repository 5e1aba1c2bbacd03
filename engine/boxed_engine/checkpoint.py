"""Exact-resume checkpoints (trainable weights, AdamW state, RNG states, step) and HF export."""

import copy
import json
import random
import shutil
from pathlib import Path

import numpy
import torch
from safetensors.torch import load_file, save_file

from boxed_engine import PROTOCOL_VERSION
from boxed_engine.engine import Engine
from boxed_engine.errors import EngineError
from boxed_engine.training import Trainer
from boxed_engine.distributed.checkpoint import is_sharded, load_sharded

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json",
                   "vocab.json", "merges.txt", "chat_template.jinja")


def save_state(engine: Engine, trainer: Trainer, path: Path) -> dict:
    path.mkdir(parents=True, exist_ok=True)
    tensors = {name: parameter.detach().contiguous().cpu() for name, parameter in engine.trainable_parameters()}
    save_file(tensors, str(path / "trainable.safetensors"))
    optimizer = trainer.ensure_optimizer()
    torch.save(optimizer.state_dict(), path / "optimizer.pt")
    rng = {
        "torch": torch.get_rng_state(),
        "sampling": engine.sampling_generator.get_state(),
        "python": random.getstate(),
        "numpy": numpy.random.get_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None,
    }
    torch.save(rng, path / "rng.pt")
    meta = {"protocol": PROTOCOL_VERSION, "step": engine.step, "lora": engine.is_lora, "model": str(engine.options.model)}
    (path / "state.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return {"path": str(path)}


def load_state(engine: Engine, trainer: Trainer, path: Path) -> dict:
    if is_sharded(path):  # saved by a torchrun engine: DCP reshards it onto this one process
        return load_sharded(engine, trainer, path)
    if not (path / "state.json").exists():
        raise EngineError(f"no saved state at {path} (state.json missing)", status=404, param="path")
    meta = json.loads((path / "state.json").read_text(encoding="utf-8"))
    tensors = load_file(str(path / "trainable.safetensors"))
    parameters = dict(engine.trainable_parameters())
    if set(tensors) != set(parameters):
        raise EngineError("the saved state's parameters do not match this engine's trainable parameters "
                          "(different model or LoRA configuration)", status=409, param="path")
    with engine.weights_lock.writing():
        with torch.no_grad():
            for name, parameter in parameters.items():
                parameter.copy_(tensors[name].to(parameter.device, parameter.dtype))
        engine.model.zero_grad(set_to_none=True)
        trainer.ensure_optimizer().load_state_dict(torch.load(path / "optimizer.pt", weights_only=False))
        rng = torch.load(path / "rng.pt", weights_only=False)
        torch.set_rng_state(rng["torch"])
        engine.sampling_generator.set_state(rng["sampling"])
        random.setstate(rng["python"])
        numpy.random.set_state(rng["numpy"])
        if rng.get("cuda") is not None and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(rng["cuda"])
        engine.step = int(meta["step"])
        trainer.pending.clear()
    return {"step": engine.step}


def export_model(engine: Engine, path: Path) -> dict:
    """A standard HF directory (config, safetensors, tokenizer); LoRA is merged into the base weights."""
    path.mkdir(parents=True, exist_ok=True)
    with engine.weights_lock.reading():
        model = copy.deepcopy(engine.model)
    if engine.is_lora:
        model = model.merge_and_unload()
    model.save_pretrained(path)
    for name in TOKENIZER_FILES:
        source = engine.options.model / name
        if source.exists() and not (path / name).exists():
            shutil.copyfile(source, path / name)
    return {"path": str(path)}
