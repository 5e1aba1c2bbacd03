"""Per-rank parameter + AdamW bytes of the FSDP2 engine against one plain process (same model), with the
median training-step time and (on CUDA) the peak memory of each rank.

    PYTHONPATH=engine .venv/bin/python bench/engine/rank-bytes.py [--preset small] [--ranks 1,2,4]
    PYTHONPATH=engine python bench/engine/rank-bytes.py --device cuda --dtype bfloat16 --preset medium --ranks 1

Runs itself under torchrun once per world size (the engine's own code: launch.start / distribute,
Trainer.forward_backward + optim_step), and once as a plain process for the baseline; prints one row per
rank and the ratio to the baseline, which FSDP2 should bring to ≈ 1/N.
"""

import argparse
import json
import os
import statistics
import time
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

ENGINE = Path(__file__).resolve().parents[2] / "engine"


def measure(model: Path, device: str, dtype: str, steps: int) -> dict:
    """In this process (a torchrun rank, or the plain baseline): `steps` training steps, then the bytes held."""
    import torch.distributed as dist

    from boxed_engine.__main__ import parse_arguments
    from boxed_engine.distributed import launch
    from boxed_engine.distributed.sharding import local_bytes
    from boxed_engine.engine import Engine, EngineOptions
    from boxed_engine.schemas import AdamParams, WeightedDatum
    from boxed_engine.training import Trainer

    torch.set_num_threads(1)
    arguments = parse_arguments(["--model", str(model), "--device", device, "--dtype", dtype])
    world = launch.start(arguments)
    engine = Engine(launch.engine_options(world, EngineOptions(model=model, device=device, dtype=dtype)))
    launch.distribute(world, engine, arguments)
    trainer = Trainer(engine)
    length, rows = 256, 8  # per rank: 8 sequences of 256 tokens
    datum = WeightedDatum(tokens=list(range(1, length + 1)), target_tokens=list(range(2, length + 2)),
                          weights=[1.0 / (rows * length)] * length)
    times = []
    for _ in range(steps):
        started = time.perf_counter()
        trainer.forward_backward([datum] * rows, 1.0)
        trainer.optim_step(AdamParams(learning_rate=1e-4), 1.0)
        if engine.device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - started)
    held = local_bytes(engine.model, engine.optimizer)
    held["step_s"] = statistics.median(times[1:] or times)  # the first step pays for lazy initialisation
    held["peak_bytes"] = torch.cuda.max_memory_allocated() if engine.device.type == "cuda" else None
    if world is None:
        return held
    rows = [None] * world.world_size
    dist.all_gather_object(rows, held)
    dist.destroy_process_group()
    return {"ranks": rows}


def run_world(model: Path, ranks: int | None, options: list[str]) -> dict:
    command = [sys.executable, __file__, "--measure", str(model), *options]
    if ranks is not None:
        command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", str(ranks), *command[1:]]
    environment = dict(os.environ, OMP_NUM_THREADS="1",
                       PYTHONPATH=os.pathsep.join(filter(None, [str(ENGINE), os.environ.get("PYTHONPATH")])))
    output = subprocess.run(command, capture_output=True, text=True, env=environment, check=True).stdout
    return json.loads([line for line in output.splitlines() if line.startswith("{")][-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="small")
    parser.add_argument("--ranks", default="1,2,4")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    options = ["--device", arguments.device, "--dtype", arguments.dtype, "--steps", str(arguments.steps)]
    if arguments.measure is not None:
        result = measure(arguments.measure, arguments.device, arguments.dtype, arguments.steps)
        if int(os.environ.get("RANK", "0")) == 0:
            print(json.dumps(result), flush=True)
        return
    from boxed_engine.init_model import init_model

    with tempfile.TemporaryDirectory() as directory:
        model = Path(directory) / arguments.preset
        init_model(model, arguments.preset, seed=0)
        baseline = run_world(model, None, options)
        total = baseline["parameter_bytes"] + baseline["optimizer_bytes"]
        print(f"preset {arguments.preset}, {arguments.device}, {arguments.dtype}; one plain process: parameters "
              f"{baseline['parameter_bytes']:,} B, AdamW {baseline['optimizer_bytes']:,} B, "
              f"step {baseline['step_s']:.3f} s, peak {peak(baseline)}")
        print("world  rank  parameter_bytes  optimizer_bytes  (param+optim)/one process     1/N  step_s  peak")
        for ranks in [int(value) for value in arguments.ranks.split(",")]:
            for rank, held in enumerate(run_world(model, ranks, options)["ranks"]):
                share = (held["parameter_bytes"] + held["optimizer_bytes"]) / total
                print(f"{ranks:>5}  {rank:>4}  {held['parameter_bytes']:>15,}  {held['optimizer_bytes']:>15,}"
                      f"  {share:>24.4f}  {1 / ranks:.4f}  {held['step_s']:.3f}  {peak(held)}")


def peak(held: dict) -> str:
    return "n/a (cpu)" if held["peak_bytes"] is None else f"{held['peak_bytes'] / 2**20:.0f} MiB"


if __name__ == "__main__":
    main()
