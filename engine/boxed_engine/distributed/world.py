"""The process group and device mesh of a torchrun job (torchrun sets RANK, WORLD_SIZE, LOCAL_RANK, ...).

Two groups: the default one carries FSDP2's collectives under the configurable `--collective-timeout`;
a second gloo group carries the operations rank 0 sends, with no practical timeout, because workers wait
on it for as long as the HTTP server is idle.
"""

import datetime
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch.distributed.device_mesh import DeviceMesh, init_device_mesh

from boxed_engine.distributed.options import SHARDING_STRATEGIES

TORCHRUN_VARIABLES = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")
IDLE_TIMEOUT = datetime.timedelta(days=365)  # the operation channel: workers wait there between requests


def under_torchrun() -> bool:
    """torchrun (torch/distributed/run.py) exports these for every worker it starts."""
    return all(name in os.environ for name in TORCHRUN_VARIABLES)


@dataclass
class World:
    rank: int
    world_size: int
    local_rank: int
    local_world_size: int
    sharding: str
    device: torch.device
    mesh: DeviceMesh
    control: dist.ProcessGroup

    @property
    def nodes(self) -> int:
        return self.world_size // self.local_world_size

    @property
    def is_server(self) -> bool:
        return self.rank == 0


def device_for(name: str, local_rank: int) -> torch.device:
    """`auto`/`cuda` → this rank's GPU (cuda:LOCAL_RANK); `cpu` stays cpu; an explicit cuda:K is refused
    because every rank would then use the same card."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda":
        return torch.device("cuda", local_rank)
    if name.startswith("cuda:"):
        raise ValueError(f"--device {name}: under torchrun each rank uses cuda:LOCAL_RANK; pass --device cuda or auto")
    return torch.device(name)


def start_world(device_name: str, sharding: str, timeout_s: float) -> World:
    if sharding not in SHARDING_STRATEGIES:
        raise ValueError(f"--sharding: unknown strategy {sharding!r}; known: {', '.join(SHARDING_STRATEGIES)}")
    rank, world_size = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    local_rank, local_world_size = int(os.environ["LOCAL_RANK"]), int(os.environ["LOCAL_WORLD_SIZE"])
    device = device_for(device_name, local_rank)
    if device.type == "cuda":
        torch.cuda.set_device(device)
    backend = "nccl" if device.type == "cuda" else "gloo"
    dist.init_process_group(backend, timeout=datetime.timedelta(seconds=timeout_s), device_id=device if backend == "nccl" else None)
    control = dist.new_group(backend="gloo", timeout=IDLE_TIMEOUT)
    sharding = "full" if world_size == local_world_size else sharding  # one node: nothing to replicate across
    return World(rank, world_size, local_rank, local_world_size, sharding, device,
                 build_mesh(device.type, world_size, local_world_size, sharding), control)


def build_mesh(device_type: str, world_size: int, local_world_size: int, sharding: str) -> DeviceMesh:
    """full: a 1-D mesh ("shard",) over all ranks; hybrid: a 2-D mesh ("replicate", "shard") with one row per
    node, which fully_shard reads as HSDP (replicate over dim 0, shard over dim 1)."""
    if sharding == "full":
        return init_device_mesh(device_type, (world_size,), mesh_dim_names=("shard",))
    if world_size % local_world_size:
        raise ValueError(f"hybrid sharding needs equal ranks per node; {world_size} ranks, {local_world_size} per node")
    return init_device_mesh(device_type, (world_size // local_world_size, local_world_size),
                            mesh_dim_names=("replicate", "shard"))
