"""FSDP2 over the engine's modules: one `fully_shard` unit per decoder layer plus the root
(torch.distributed.fsdp, the per-parameter DTensor sharding of Zhao et al. 2023, arXiv:2304.11277)."""

from contextlib import contextmanager

import torch
from torch.distributed.fsdp import FSDPModule, MixedPrecisionPolicy, fully_shard

from boxed_engine.distributed.world import World

# dtype option → (compute dtype, gradient-reduction dtype); master weights stay float32 in both.
DTYPE_POLICIES = {"float32": (torch.float32, torch.float32), "bfloat16": (torch.bfloat16, torch.float32)}


def layer_classes(model: torch.nn.Module) -> set[str]:
    """HF models name their repeated blocks in `_no_split_modules` (e.g. Qwen2DecoderLayer); PEFT forwards the
    attribute to the wrapped model."""
    names = getattr(model, "_no_split_modules", None) or []
    if not names:
        raise ValueError(f"{type(model).__name__} declares no `_no_split_modules`; cannot find its layers to shard")
    return set(names)


def shard_model(model: torch.nn.Module, world: World, dtype: str, activation_checkpointing: bool) -> None:
    """Shards every decoder layer, then the root (embeddings, final norm, head). Gradients are SUMMED over
    ranks: the protocol's weights are already normalised over the whole batch (docs/engine-protocol.md), so
    FSDP's default mean over ranks would shrink every step by 1/world_size."""
    compute, reduce = DTYPE_POLICIES[dtype]
    policy = MixedPrecisionPolicy(param_dtype=compute, reduce_dtype=reduce)
    classes = layer_classes(model)
    layers = [module for module in model.modules() if type(module).__name__ in classes]
    for layer in layers:
        fully_shard(layer, mesh=world.mesh, mp_policy=policy)
    if activation_checkpointing:
        checkpoint_layers(layers)
    fully_shard(model, mesh=world.mesh, mp_policy=policy)
    for module in fsdp_modules(model):
        module.set_gradient_divide_factor(1.0)  # reduce-scatter (and HSDP all-reduce) then divide by 1: a sum
        module.set_force_sum_reduction_for_comms(True)  # plain SUM collectives: gloo has no PREMUL_SUM


def checkpoint_layers(layers: list[torch.nn.Module]) -> None:
    """Activation checkpointing (Chen et al. 2016, arXiv:1604.06174): each layer's activations are recomputed in
    backward instead of kept — torch's composable `checkpoint`, applied after fully_shard as torchtitan does."""
    from torch.distributed._composable import checkpoint

    for layer in layers:
        checkpoint(layer)


def fsdp_modules(model: torch.nn.Module) -> list[FSDPModule]:
    return [module for module in model.modules() if isinstance(module, FSDPModule)]


@contextmanager
def gathered(models: list[torch.nn.Module]):
    """Full parameters on every rank for the duration: one all-gather per unit now, none in the forwards
    inside, so ranks may run different numbers of forwards (sampling rows stop at different steps)."""
    modules = [module for model in models for module in fsdp_modules(model)]
    for module in modules:
        module.set_reshard_after_forward(False, recurse=False)
        module.unshard()
    try:
        yield
    finally:
        for module in modules:
            module.reshard()
            # fully_shard's defaults: layers reshard after forward, the root keeps its (small) parameters
            module.set_reshard_after_forward(not any(module is model for model in models), recurse=False)


def local_bytes(model: torch.nn.Module, optimizer: torch.optim.Optimizer | None) -> dict[str, int]:
    """Bytes this rank holds: its parameter shards, and its AdamW moments (which follow the shards)."""
    parameters = sum(local(parameter).numel() * parameter.element_size() for parameter in model.parameters())
    states = 0
    if optimizer is not None:
        for state in optimizer.state.values():
            states += sum(local(value).numel() * value.element_size() for value in state.values()
                          if isinstance(value, torch.Tensor) and value.dim() > 0)
    return {"parameter_bytes": parameters, "optimizer_bytes": states}


def local(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.to_local() if hasattr(tensor, "to_local") else tensor
