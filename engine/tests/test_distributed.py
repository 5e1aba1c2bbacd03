"""The engine under torchrun (FSDP2, gloo on CPU) answers as the single-process engine does.

Each trace runs the same seed and batches on a plain `python -m boxed_engine` and on torchrun jobs:
`forward_backward` loss and log-probs, the gradient norm of 3 `optim_step`s (one of them after a
`/forward` + `/backward` pair), the log-probs after them, and a `save_state` written by 2 ranks and read by
1. Equal gradient norms also prove the ranks' gradients are summed: FSDP's default mean would halve them.
Tolerance: relative 1e-5 (absolute 1e-6 for values near 0) — float32 summation order differs between
one rank summing all sequences and two ranks summing halves — except gradient norms: relative 3e-5,
because torch's float32 norm of a 2·10^5-element gradient is itself only that exact (small model, one
process: 4.2303648 in float32 against 4.2304071 in float64, 1.0e-5; the 2-rank figure was 4.2303848).
Adam's step sizes are set so that the log-probs after 3 steps are not dominated by the sign flips Adam
makes of near-zero gradient entries (a single process with a different micro-batching moves them 1e-4
at lr 1e-2, eps 1e-8; 8e-8 at lr 1e-3, eps 1e-5).
"""

import os
import random

import numpy
import pytest

from boxed_engine.distributed.shares import balance, filler_counts
from boxed_engine.init_model import init_model
from distributed_engine import EngineProcess

RTOL, ATOL = 1e-5, 1e-6
GRAD_NORM_RTOL = 3e-5
TOKEN_BUDGET = 64  # small: several micro-batches per rank, unequal counts, so the fillers are exercised
ADAM = {"adam_params": {"learning_rate": 0.001, "eps": 1e-5, "weight_decay": 0.01}, "grad_clip_norm": 1.0}
# bench/engine/cuda-check.sh runs these on a GPU machine: NCCL ranks, one per GPU, against one CUDA process
DEVICE = os.environ.get("BOXED_TEST_DEVICE", "cpu")
RANKS = int(os.environ.get("BOXED_TEST_RANKS", "2"))
ENGINE_ARGUMENTS = ["--seed", "3", "--token-budget", str(TOKEN_BUDGET), "--device", DEVICE]


def batch(seed: int, size: int = 5, vocab: int = 700) -> list[dict]:
    rng = random.Random(seed)
    data = []
    for _ in range(size):
        length = rng.randint(2, 30)
        tokens = [rng.randrange(vocab) for _ in range(length + 1)]
        weights = [rng.uniform(-1, 1) / (size * length) for _ in range(length)]
        data.append({"tokens": tokens[:-1], "target_tokens": tokens[1:], "weights": weights})
    return data


def unweighted(data: list[dict]) -> list[dict]:
    return [{"tokens": d["tokens"], "target_tokens": d["target_tokens"]} for d in data]


HELD_OUT = unweighted(batch(99, size=5))


def trace(engine: EngineProcess) -> dict:
    """Three optimizer steps: forward_backward, forward + backward, forward_backward of one sequence; then
    held-out log-probs."""
    first = engine.post("/forward_backward", {"data": batch(1)})
    norms = [engine.post("/optim_step", ADAM)["grad_norm"]]
    second = batch(2)
    forward = engine.post("/forward", {"data": unweighted(second)})
    backward = engine.post("/backward", {"handle": forward["handle"], "weights": [d["weights"] for d in second]})
    norms.append(engine.post("/optim_step", ADAM)["grad_norm"])
    engine.post("/forward_backward", {"data": batch(3, size=1)})  # rank 1 has no sequence: fillers only
    norms.append(engine.post("/optim_step", ADAM)["grad_norm"])
    after = engine.post("/logprobs", {"data": HELD_OUT})["logprobs"]
    return {"loss": first["loss"], "logprobs": first["logprobs"], "forward_logprobs": forward["logprobs"],
            "backward_loss": backward["loss"], "grad_norms": norms, "after": after}


def assert_close(actual, expected, what: str) -> None:
    flat_actual, flat_expected = flatten(actual), flatten(expected)
    assert len(flat_actual) == len(flat_expected), what
    rtol = GRAD_NORM_RTOL if what.startswith("grad_norm") else RTOL
    numpy.testing.assert_allclose(flat_actual, flat_expected, rtol=rtol, atol=ATOL, err_msg=what)


def flatten(value) -> list[float]:
    if isinstance(value, list):
        return [item for entry in value for item in flatten(entry)]
    return [float(value)]


def assert_same_trace(actual: dict, expected: dict) -> None:
    for name in expected:
        assert_close(actual[name], expected[name], name)


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict:
    directories = {}
    for preset in ("tiny", "small"):
        directories[preset] = tmp_path_factory.mktemp(preset)
        init_model(directories[preset], preset, seed=0)
    return directories


@pytest.fixture(scope="module")
def single(models):
    """The single-process engines (one per preset) and their traces, shared by the tests below."""
    engines, traces = {}, {}
    for preset, directory in models.items():
        engines[preset] = EngineProcess(directory, ENGINE_ARGUMENTS)
        traces[preset] = trace(engines[preset])
    yield engines, traces
    for engine in engines.values():
        engine.stop()


def test_the_batches_need_fillers():
    """At least one batch gives the two ranks unequal micro-batch counts (else the fillers go untested)."""
    counts = [filler_counts([len(d["tokens"]) for d in batch(seed)],
                            balance([len(d["tokens"]) for d in batch(seed)], 2), TOKEN_BUDGET) for seed in (1, 2, 3)]
    assert any(max(count) > 0 for count in counts)


def next_step(engine: EngineProcess, seed: int) -> dict:
    engine.post("/forward_backward", {"data": batch(seed)})
    return {"grad_norm": engine.post("/optim_step", ADAM)["grad_norm"],
            "after": engine.post("/logprobs", {"data": HELD_OUT})["logprobs"]}


@pytest.mark.parametrize("preset", ["tiny", "small"])
def test_two_ranks_match_one_process_and_resume_across_world_sizes(preset, models, single, tmp_path):
    """The trace, then save_state on 2 ranks → load_state in one process, and back (one process → 2 ranks):
    each time the next step (gradient norm, log-probs) is the one the saving engine takes."""
    engines, traces = single
    plain = engines[preset]
    with EngineProcess(models[preset], ENGINE_ARGUMENTS, processes=RANKS) as sharded:
        info = sharded.request("/info")[1]["distributed"]
        assert info["world_size"] == RANKS and info["sharding"] == "fsdp2-full"
        full_bytes = 4 * sharded.request("/info")[1]["parameters"]
        assert max(info["rank_parameter_bytes"]) < (1.1 / RANKS) * full_bytes
        assert_same_trace(trace(sharded), traces[preset])
        sharded.post("/save_state", {"path": str(tmp_path / "sharded")})
        continued = next_step(sharded, 4)
        plain.post("/load_state", {"path": str(tmp_path / "sharded")})  # DCP shards of 2 ranks into one process
        assert_same_trace(next_step(plain, 4), continued)
        plain.post("/save_state", {"path": str(tmp_path / "single")})
        sharded.post("/load_state", {"path": str(tmp_path / "single")})  # one process's state onto 2 ranks
        assert_same_trace(next_step(sharded, 5), next_step(plain, 5))


@pytest.mark.skipif(DEVICE != "cpu" and RANKS < 2, reason="two NCCL ranks need two GPUs")
@pytest.mark.parametrize("sharding", ["full", "hybrid"])
def test_two_simulated_nodes_match_one_process(sharding, models, single):
    """`--nnodes 2`, one rank each, rendezvous on 127.0.0.1: the same trace as one process, whether the two
    ranks shard (full) or replicate across the nodes (hybrid, whose all-reduce must sum too)."""
    _, traces = single
    with EngineProcess(models["tiny"], [*ENGINE_ARGUMENTS, "--sharding", sharding], processes=1, nodes=2) as sharded:
        info = sharded.request("/info")[1]["distributed"]
        assert (info["world_size"], info["ranks_per_node"], info["nodes"]) == (2, 1, 2)
        assert info["sharding"] == f"fsdp2-{sharding}"
        assert_same_trace(trace(sharded), traces["tiny"])


def test_lora_with_activation_checkpointing_matches_one_process(models, tmp_path):
    """LoRA sharded (frozen base and trainable adapter in the same FSDP2 units), layers recomputed in
    backward: the same trace, the same reference log-probs (adapter disabled), the same merged export."""
    from safetensors.torch import load_file

    lora = [*ENGINE_ARGUMENTS, "--lora-rank", "4", "--lora-alpha", "8"]
    results = {}
    for name, arguments, processes in [("plain", lora, None),
                                       ("sharded", [*lora, "--activation-checkpointing"], RANKS)]:
        with EngineProcess(models["tiny"], arguments, processes=processes) as engine:
            results[name] = trace(engine)
            results[name]["reference"] = engine.post("/logprobs", {"data": HELD_OUT, "model": "reference"})["logprobs"]
            engine.post("/export", {"path": str(tmp_path / name)})
    assert_same_trace(results["sharded"], results["plain"])
    exported = {name: load_file(str(tmp_path / name / "model.safetensors")) for name in results}
    assert set(exported["sharded"]) == set(exported["plain"])
    for key, tensor in exported["plain"].items():
        assert_close(exported["sharded"][key].flatten().tolist(), tensor.flatten().tolist(), key)
