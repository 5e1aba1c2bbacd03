"""Engine throughput over HTTP vs a plain transformers script doing the same work in one process.

Usage: nice -n 10 .venv/bin/python bench/engine/protocol-overhead.py --preset tiny [--threads 2] [--repeats 5]
Prints one line per figure: sampling tokens/s and forward_backward tokens/s for both paths, and the
protocol's overhead = 1 − http_rate / plain_rate. Runs are interleaved (http, plain, http, ...) and
the median is kept, so load from other processes hits both paths alike.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import torch
from pydantic_core import from_json, to_json
from transformers import AutoModelForCausalLM

from boxed_engine.init_model import init_model

WORKLOADS = {  # prompts × samples × new tokens for sampling; sequences × length for forward_backward
    "tiny": {"prompts": 16, "samples": 16, "prompt_length": 24, "new_tokens": 16, "sequences": 256, "length": 48},
    "small": {"prompts": 8, "samples": 8, "prompt_length": 32, "new_tokens": 32, "sequences": 64, "length": 128},
    "medium": {"prompts": 2, "samples": 4, "prompt_length": 16, "new_tokens": 16, "sequences": 4, "length": 64},
}


def make_inputs(work: dict, vocab_size: int) -> tuple[list[list[int]], list[dict]]:
    generator = torch.Generator().manual_seed(0)
    prompts = torch.randint(5, vocab_size, (work["prompts"], work["prompt_length"]), generator=generator).tolist()
    rows = torch.randint(5, vocab_size, (work["sequences"], work["length"] + 1), generator=generator).tolist()
    weights = (torch.rand(work["sequences"], work["length"], generator=generator) - 0.5).tolist()
    data = [{"tokens": row[:-1], "target_tokens": row[1:], "weights": w} for row, w in zip(rows, weights, strict=True)]
    return prompts, data


def start_engine(model_dir: Path, threads: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "boxed_engine", "--model", str(model_dir), "--threads", str(threads),
                                "--exit-with-parent", "--no-auth"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ready = json.loads(process.stdout.readline())
    return process, f"http://{ready['host']}:{ready['port']}"


def post(client: httpx.Client, url: str, body: dict) -> dict:
    """JSON via pydantic-core both ways (as fast as a TS client's JSON.stringify / JSON.parse)."""
    response = client.post(url, content=to_json(body), headers={"content-type": "application/json"})
    return from_json(response.raise_for_status().content)


def http_sample(client: httpx.Client, base: str, prompts, work, seed: int) -> int:
    body = {"prompts": prompts, "num_samples": work["samples"],
            "sampling_params": {"max_tokens": work["new_tokens"], "seed": seed}}
    samples = post(client, f"{base}/sample", body)["samples"]
    return sum(len(sample["tokens"]) for group in samples for sample in group)


def http_forward_backward(client: httpx.Client, base: str, data) -> int:
    result = post(client, f"{base}/forward_backward", {"data": data})
    post(client, f"{base}/zero_grad", {})
    return result["tokens"]


def plain_sample(model, prompts, work, eos: list[int], seed: int) -> int:
    torch.manual_seed(seed)
    input_ids = torch.tensor(prompts)
    with torch.no_grad():
        output = model.generate(input_ids=input_ids, attention_mask=torch.ones_like(input_ids), do_sample=True,
                                max_new_tokens=work["new_tokens"], num_return_sequences=work["samples"], top_p=1.0,
                                top_k=0, temperature=1.0, eos_token_id=eos, pad_token_id=eos[-1])
    generated = output[:, input_ids.shape[1]:].tolist()
    return sum(next((i + 1 for i, t in enumerate(row) if t in eos), len(row)) for row in generated)


def plain_forward_backward(model, data) -> int:
    tokens = torch.tensor([d["tokens"] for d in data])
    targets = torch.tensor([d["target_tokens"] for d in data])
    weights = torch.tensor([d["weights"] for d in data])
    logprobs = torch.log_softmax(model(input_ids=tokens).logits.float(), -1).gather(-1, targets[..., None])[..., 0]
    (-(weights * logprobs).sum()).backward()
    model.zero_grad(set_to_none=True)
    return tokens.numel()


def timed(function) -> float:
    start = time.perf_counter()
    count = function()
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", default="tiny", choices=sorted(WORKLOADS))
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    work = WORKLOADS[arguments.preset]
    with tempfile.TemporaryDirectory() as directory:
        model_dir = Path(directory)
        parameters = init_model(model_dir, arguments.preset, seed=0)
        model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
        eos = sorted(set(model.generation_config.eos_token_id))
        prompts, data = make_inputs(work, model.config.vocab_size)
        process, base = start_engine(model_dir, arguments.threads)
        rates: dict[str, list[float]] = {key: [] for key in ("http_sample", "plain_sample", "http_fb", "plain_fb")}
        try:
            with httpx.Client(timeout=600) as client:
                for repeat in range(arguments.repeats + 1):  # the first round warms up and is dropped
                    round_rates = {
                        "http_sample": timed(lambda: http_sample(client, base, prompts, work, repeat)),
                        "plain_sample": timed(lambda: plain_sample(model, prompts, work, eos, repeat)),
                        "http_fb": timed(lambda: http_forward_backward(client, base, data)),
                        "plain_fb": timed(lambda: plain_forward_backward(model, data)),
                    }
                    for key, value in round_rates.items():
                        if repeat > 0:
                            rates[key].append(value)
                round_trip_ms = 1000 / statistics.median(timed(lambda: len([post(client, f"{base}/zero_grad", {})]))
                                                         for _ in range(50))
        finally:
            process.stdin.close()
            process.wait(timeout=30)
    report(arguments, parameters, work, {key: statistics.median(values) for key, values in rates.items()})
    print(f"  fixed cost of one protocol call (POST /zero_grad round trip, median of 50): {round_trip_ms:.2f} ms")


def report(arguments, parameters: int, work: dict, median: dict[str, float]) -> None:
    print(f"preset {arguments.preset}: {parameters / 1e6:.2f}M parameters, {arguments.threads} threads, "
          f"median of {arguments.repeats}; workload {json.dumps(work)}")
    for kind, label in (("sample", "sampling"), ("fb", "forward_backward")):
        http, plain = median[f"http_{kind}"], median[f"plain_{kind}"]
        print(f"  {label:17s} http {http:10.0f} tok/s   plain transformers {plain:10.0f} tok/s   "
              f"overhead {100 * (1 - http / plain):+.1f}%")


if __name__ == "__main__":
    main()
