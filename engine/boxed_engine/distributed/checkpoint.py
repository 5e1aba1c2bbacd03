"""Sharded checkpoints with torch.distributed.checkpoint (DCP): each rank writes its own shards, and a load
reshards to whatever world size reads them (a plain single-process engine included: DCP then runs without
a process group). `export` gathers full tensors on rank 0 and writes a standard HF directory.

Layout: `state.json` (step, format, world size), `sharded/` (DCP: trainable weights + AdamW state),
`rng-<rank>.safetensors` + `.json` (each rank's RNG states; a rank without its files keeps its own); no pickles. A torchrun engine also
loads a single-process engine's state (checkpoint.py's layout).
"""

import json
from pathlib import Path

import torch
import torch.distributed as dist
import torch.distributed.checkpoint as dcp
from torch.distributed.checkpoint.state_dict import (
    StateDictOptions, get_model_state_dict, get_state_dict, set_model_state_dict, set_optimizer_state_dict, set_state_dict,
)

from boxed_engine import PROTOCOL_VERSION
from boxed_engine import checkpoint as single  # its RNG/optimizer files (a module: it imports this one too)
from boxed_engine.errors import EngineError

FORMAT = "torch.distributed.checkpoint"
TRAINABLE = StateDictOptions(ignore_frozen_params=True)  # LoRA: the adapter only, as the single-process save


def rank() -> int:
    return dist.get_rank() if dist.is_initialized() else 0


def is_sharded(path: Path) -> bool:
    return (path / "sharded" / ".metadata").exists()


def save_sharded(engine, trainer, path: Path) -> dict:
    path.mkdir(parents=True, exist_ok=True)
    optimizer = trainer.ensure_optimizer()
    fresh = not optimizer.state  # get_state_dict initialises AdamW's state with a zero step; undone below
    model_state, optimizer_state = get_state_dict(engine.model, optimizer, options=TRAINABLE)
    dcp.save({"model": model_state, "optimizer": optimizer_state}, checkpoint_id=str(path / "sharded"))
    if fresh:
        optimizer.state.clear()
    single.save_rng(engine, path, f"rng-{rank()}")
    if rank() == 0:
        meta = {"protocol": PROTOCOL_VERSION, "step": engine.step, "lora": engine.is_lora, "model": str(engine.options.model),
                "format": FORMAT, "world_size": dist.get_world_size() if dist.is_initialized() else 1,
                "optimizer_started": not fresh}
        (path / "state.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return {"path": str(path)}


def load_sharded(engine, trainer, path: Path) -> dict:
    """A DCP state (any world size) or, on a torchrun engine, a single-process state (each rank reads the full
    tensors and keeps its shards)."""
    if not (path / "state.json").exists():
        raise EngineError(f"no saved state at {path} (state.json missing)", status=404, param="path")
    meta = json.loads((path / "state.json").read_text(encoding="utf-8"))
    if bool(meta.get("lora")) != engine.is_lora:
        raise EngineError("the saved state's parameters do not match this engine's trainable parameters "
                          "(different model or LoRA configuration)", status=409, param="path")
    optimizer = trainer.ensure_optimizer()
    with engine.weights_lock.writing():
        engine.model.zero_grad(set_to_none=True)
        if is_sharded(path):
            model_state, optimizer_state = get_state_dict(engine.model, optimizer, options=TRAINABLE)  # templates
            state = {"model": model_state, "optimizer": optimizer_state}
            dcp.load(state, checkpoint_id=str(path / "sharded"))
            set_state_dict(engine.model, optimizer, model_state_dict=state["model"],
                           optim_state_dict=state["optimizer"], options=TRAINABLE)
            if not meta.get("optimizer_started", True):
                optimizer.state.clear()
        else:
            load_single_process(engine, optimizer, path)
        stem = f"rng-{rank()}"
        if not (path / f"{stem}.safetensors").exists() and rank() == 0:
            stem = "rng"  # a single-process state's: rank 0 continues its stream
        if (path / f"{stem}.safetensors").exists():
            single.apply_rng(engine, *single.read_rng(path, stem))
        engine.step = int(meta["step"])
        trainer.pending.clear()
    return {"step": engine.step}


def load_single_process(engine, optimizer, path: Path) -> None:
    """checkpoint.py's layout: trainable.safetensors (by name) and optimizer.safetensors + .json (AdamW's state, keyed by
    the index of each parameter in trainable_parameters(), the order the optimizer was built in)."""
    from safetensors.torch import load_file

    if not (path / "trainable.safetensors").exists():
        raise EngineError(f"no saved state at {path} (neither sharded/ nor trainable.safetensors)", status=404, param="path")
    tensors = load_file(str(path / "trainable.safetensors"))
    names = [name for name, _ in engine.trainable_parameters()]
    if set(tensors) != set(names):
        raise EngineError("the saved state's parameters do not match this engine's trainable parameters "
                          "(different model or LoRA configuration)", status=409, param="path")
    full = StateDictOptions(full_state_dict=True, ignore_frozen_params=True)
    set_model_state_dict(engine.model, tensors, options=full)
    saved = single.read_optimizer(path, optimizer, dict(engine.trainable_parameters()))
    if saved["state"]:
        by_name = {"state": {names[index]: state for index, state in saved["state"].items()},
                   "param_groups": [{**group, "params": [names[index] for index in group["params"]]}
                                    for group in saved["param_groups"]]}
        set_optimizer_state_dict(engine.model, optimizer, by_name, options=full)


def export_gathered(engine, path: Path) -> dict:
    """Every rank takes part in the all-gather; rank 0 loads the full weights into a fresh copy of the model
    (LoRA merged into the base) and writes config, safetensors and tokenizer files."""
    from transformers import AutoModelForCausalLM

    with engine.weights_lock.reading():
        full = get_model_state_dict(engine.model, options=StateDictOptions(full_state_dict=True, cpu_offload=True))
    if rank() != 0:
        return {"path": str(path)}
    path.mkdir(parents=True, exist_ok=True)
    model = AutoModelForCausalLM.from_pretrained(engine.options.model, dtype=torch.float32)
    if engine.is_lora:
        model = engine._wrap_lora(model)
    model.load_state_dict(full)
    return single.save_merged(engine, model, path)
