"""CPU seconds of the engine's training and scoring calls, this checkout against a baseline revision, alternating.

The demo's batch shape (256 rows of 30-55 tokens, the first 5 a prompt; weights non-zero at response tokens only,
as `boxed train` sends them), the shipped demo model, 1 torch thread, the engine's own Trainer / score_batch:
  /forward + /backward (what `boxed train` runs per update), the same with entropy weights, /forward_backward,
  /logprobs (no graph).
Each run is a fresh process on one source tree (baseline: `git archive REV engine/boxed_engine`); runs alternate
(baseline first in even runs); each run reports the median of 3 repeats per call; the result is the median over
runs, the ratio baseline / this checkout, and the largest relative difference of the gradients the two computed.
Usage: .venv/bin/python bench/trl/engine-step.py BASELINE_REV [runs=5]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROWS, SHORTEST, LONGEST, PROMPT = 256, 30, 55, 5


def child() -> None:
    import torch

    from boxed_engine.engine import Engine, EngineOptions
    from boxed_engine.schemas import Datum, WeightedDatum
    from boxed_engine.scoring import score_batch
    from boxed_engine.training import Trainer

    torch.set_num_threads(1)
    engine = Engine(EngineOptions(model=ROOT / "assets" / "demo" / "model"))
    trainer = Trainer(engine)
    generator = torch.Generator().manual_seed(0)
    vocabulary = engine.vocab_size
    rows = []
    for _ in range(ROWS):
        length = int(torch.randint(SHORTEST, LONGEST + 1, (1,), generator=generator))
        tokens = torch.randint(0, vocabulary, (length + 1,), generator=generator).tolist()
        weights = [0.0 if t < PROMPT - 1 else float(torch.randn(1, generator=generator)) * 1e-3 for t in range(length)]
        rows.append((tokens[:-1], tokens[1:], weights))
    plain = [Datum(tokens=t, target_tokens=y) for t, y, _ in rows]
    weighted = [WeightedDatum(tokens=t, target_tokens=y, weights=w) for t, y, w in rows]
    entropy = [[0.0 if value == 0 else 1e-3 for value in w] for _, _, w in rows]

    def forward_backward():
        trainer.forward_backward(weighted)

    def forward_then_backward(entropy_weights=None):
        handle = trainer.forward(plain)["handle"]
        trainer.backward(handle, [w for _, _, w in rows], entropy_weights)

    def logprobs():
        with torch.no_grad():
            score_batch(engine.model, [t for t, _, _ in rows], [y for _, y, _ in rows], engine.device, with_entropy=False)

    calls = {"/forward + /backward": forward_then_backward,
             "/forward + /backward, entropy weights": lambda: forward_then_backward(entropy),
             "/forward_backward": forward_backward, "/logprobs": logprobs}
    result = {}
    for name, call in calls.items():
        seconds, gradient = [], None
        for _ in range(3):
            engine.model.zero_grad(set_to_none=True)
            started = time.process_time()
            call()
            seconds.append(time.process_time() - started)
            gradients = [p.grad.flatten() for p in engine.model.parameters() if p.grad is not None]
            gradient = torch.cat(gradients).tolist() if gradients else None
        result[name] = {"seconds": statistics.median(seconds), "gradient": gradient}
    print(json.dumps(result))


def run(source: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(source)}
    output = subprocess.run([sys.executable, __file__, "--child"], env=env, check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def relative_difference(a: list[float] | None, b: list[float] | None) -> float:
    if a is None or b is None:
        return 0.0 if a is b else float("inf")
    scale = max(max(abs(value) for value in a), 1e-30)
    return max(abs(x - y) for x, y in zip(a, b, strict=True)) / scale


def main(baseline: str, runs: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        archive = subprocess.run(["git", "archive", baseline, "engine/boxed_engine"], cwd=ROOT, check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", directory], input=archive.stdout, check=True)
        sources = {"baseline": Path(directory) / "engine", "current": ROOT / "engine"}
        seconds: dict[str, dict[str, list[float]]] = {"baseline": {}, "current": {}}
        differences: dict[str, float] = {}
        for index in range(runs):
            order = ["baseline", "current"] if index % 2 == 0 else ["current", "baseline"]
            print(f"run {index + 1}: load {open('/proc/loadavg').read().split()[:3]}", file=sys.stderr, flush=True)
            results = {side: run(sources[side]) for side in order}
            for side, result in results.items():
                for name, value in result.items():
                    seconds[side].setdefault(name, []).append(value["seconds"])
            for name in results["current"]:
                difference = relative_difference(results["baseline"][name]["gradient"], results["current"][name]["gradient"])
                differences[name] = max(differences.get(name, 0.0), difference)
    print(f"baseline {baseline}, {runs} alternating runs, median CPU s (1 thread), load after "
          f"{open('/proc/loadavg').read().split()[:3]}")
    print(f"{'call':40s} {'baseline':>9s} {'current':>9s} {'ratio':>6s}  max rel. gradient difference")
    for name, values in seconds["current"].items():
        before, after = statistics.median(seconds["baseline"][name]), statistics.median(values)
        print(f"{name:40s} {before:9.3f} {after:9.3f} {before / after:5.2f}x  {differences[name]:.1e}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        child()
    else:
        main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5)
