"""Cross-request batching: chat tokens/s at 1, 8 and 32 concurrent requests and for one request with n=32, in the
same run, on the tiny and small presets (issue #12: 32 concurrent ≥ 5× the serial figure).

    .venv/bin/python bench/engine/concurrency.py [--presets tiny,small] [--rounds 3] [--max-tokens 64]

Each round runs every workload once (32 requests in all for the concurrent ones), alternating, on one engine
process per preset (`--threads 1`, loopback, --no-auth); figures are the medians over rounds.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "engine"))
from boxed_engine.init_model import init_model  # noqa: E402

REQUESTS = 32


def start_engine(model_dir: Path, state_dir: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "boxed_engine", "--model", str(model_dir), "--threads", "1",
                                "--no-auth", "--exit-with-parent", "--state-dir", str(state_dir)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ready = json.loads(process.stdout.readline())
    return process, f"http://{ready['host']}:{ready['port']}"


def chat(http: httpx.Client, base: str, index: int, n: int, max_tokens: int) -> int:
    body = {"messages": [{"role": "user", "content": f"What is {index} + {index + 3}?"}], "max_tokens": max_tokens,
            "n": n, "seed": index, "temperature": 1.0, "ignore_eos": True}
    response = http.post(f"{base}/v1/chat/completions", json=body)
    return response.raise_for_status().json()["usage"]["completion_tokens"]


def concurrent(base: str, concurrency: int, max_tokens: int) -> float:
    """tokens/s of REQUESTS chat requests, `concurrency` in flight at a time."""
    with httpx.Client(timeout=600, limits=httpx.Limits(max_connections=64)) as http:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            tokens = sum(pool.map(lambda index: chat(http, base, index, 1, max_tokens), range(REQUESTS)))
        return tokens / (time.perf_counter() - started)


def one_request(base: str, max_tokens: int) -> float:
    with httpx.Client(timeout=600) as http:
        started = time.perf_counter()
        tokens = chat(http, base, 0, REQUESTS, max_tokens)
        return tokens / (time.perf_counter() - started)


def bench(preset: str, rounds: int, max_tokens: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        model_dir = Path(folder) / preset
        init_model(model_dir, preset, seed=0)
        process, base = start_engine(model_dir, Path(folder))
        try:
            chat(httpx.Client(timeout=600), base, 0, 1, 4)  # warm-up
            workloads = {"1 concurrent": lambda: concurrent(base, 1, max_tokens),
                         "8 concurrent": lambda: concurrent(base, 8, max_tokens),
                         "32 concurrent": lambda: concurrent(base, 32, max_tokens),
                         "one request, n=32": lambda: one_request(base, max_tokens)}
            figures: dict[str, list[float]] = {name: [] for name in workloads}
            for _ in range(rounds):
                for name, run in workloads.items():
                    figures[name].append(run())
        finally:
            process.kill()
    medians = {name: statistics.median(values) for name, values in figures.items()}
    for name, value in medians.items():
        print(f"{preset:5s}  {name:18s}  {value:9.0f} tok/s   (rounds: {', '.join(f'{v:.0f}' for v in figures[name])})")
    print(f"{preset:5s}  32 concurrent / 1 concurrent = {medians['32 concurrent'] / medians['1 concurrent']:.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--presets", default="tiny,small")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=64)
    arguments = parser.parse_args()
    with open("/proc/loadavg", encoding="utf-8") as file:
        print(f"load before: {file.read().strip()}")
    for preset in arguments.presets.split(","):
        bench(preset, arguments.rounds, arguments.max_tokens)
    with open("/proc/loadavg", encoding="utf-8") as file:
        print(f"load after: {file.read().strip()}")


if __name__ == "__main__":
    main()
