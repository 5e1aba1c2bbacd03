"""A torchrun engine whose rank dies fails its clients with a clear error instead of hanging, and routes
that would act on rank 0's shards alone are refused."""

import os
import signal
import subprocess
import threading
import time

import pytest

from boxed_engine.init_model import init_model
from distributed_engine import EngineProcess

HANG_LIMIT_S = 60  # far below the engine's collective timeout: an answer within it is no hang


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tiny")
    init_model(directory, "tiny", seed=0)
    return directory


def rank_pid(launcher_pid: int, rank: int) -> int:
    """The worker torchrun started with RANK=rank (its environment says which)."""
    table = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True, check=True).stdout
    children = [int(pid) for pid, parent in (line.split() for line in table.strip().splitlines())
                if int(parent) == launcher_pid]
    for pid in children:
        with open(f"/proc/{pid}/environ", "rb") as environ:
            if f"RANK={rank}".encode() in environ.read().split(b"\0"):
                return pid
    raise AssertionError(f"no rank {rank} among {children}")


def test_a_dead_rank_fails_the_request_in_flight_with_a_clear_error(tiny):
    with EngineProcess(tiny, ["--collective-timeout", "600"], processes=2) as engine:
        victim = rank_pid(engine.processes[0].pid, 1)
        body = {"prompts": [[1, 2, 3]] * 8, "num_samples": 8, "sampling_params": {"max_tokens": 400, "seed": 0}}
        outcome: list = []
        caller = threading.Thread(target=lambda: outcome.append(engine.request("/sample", body, timeout=HANG_LIMIT_S)))
        started = time.monotonic()
        caller.start()
        time.sleep(1.0)  # the request is on both ranks now (decoding 400 tokens takes seconds)
        os.kill(victim, signal.SIGKILL)
        caller.join(HANG_LIMIT_S + 5)
        assert outcome, "the request hung after a rank died"
        assert time.monotonic() - started < HANG_LIMIT_S
        status, payload = outcome[0]
        assert status == 503, payload
        assert payload["error"]["type"] == "distributed_error"
        assert payload["error"]["message"].startswith("a rank of the distributed engine failed")
        assert "restart the engine" in payload["error"]["message"]
        # torchrun takes the whole job down after a worker's death
        assert engine.processes[0].wait(HANG_LIMIT_S) != 0


def test_openai_routes_sample_on_gathered_weights_and_one_rank_routes_are_refused(tiny):
    with EngineProcess(tiny, [], processes=2) as engine:
        completion = engine.post("/v1/completions", {"prompt": "1 + 1 =", "max_tokens": 4, "n": 2})
        assert len(completion["choices"]) == 2
        status, payload = engine.request("/update_weights_from_disk", {"model_path": str(tiny)})
        assert status == 501
        assert "not available when the engine runs on several ranks" in payload["error"]["message"]
        assert engine.post("/forward_backward", {"data": [{"tokens": [1, 2], "target_tokens": [2, 3],
                                                          "weights": [0.5, 0.5]}]})["tokens"] == 2
