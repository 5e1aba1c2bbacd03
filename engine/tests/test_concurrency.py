"""Concurrent requests are safe: sampling runs beside training; training calls are serialised."""

from concurrent.futures import ThreadPoolExecutor

import torch

from conftest import engine_of, make_client, post

DATUM = {"tokens": [1, 5, 6, 7], "target_tokens": [5, 6, 7, 8], "weights": [1.0, 1.0, 1.0, 1.0]}


def test_parallel_forward_backward_accumulates_like_sequential_calls(tiny_model_dir):
    sequential, parallel = make_client(tiny_model_dir), make_client(tiny_model_dir)
    for _ in range(8):
        post(sequential, "/forward_backward", {"data": [DATUM]})
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: parallel.post("/forward_backward", json={"data": [DATUM]}), range(8)))
    assert all(result.status_code == 200 for result in results)
    for (_, a), (_, b) in zip(engine_of(sequential).trainable_parameters(), engine_of(parallel).trainable_parameters(), strict=True):
        assert torch.allclose(a.grad, b.grad, atol=1e-5)


def test_sampling_beside_training_steps(client):
    sample = {"prompts": [[1, 40]], "num_samples": 8, "sampling_params": {"max_tokens": 8}}
    step = {"adam_params": {"learning_rate": 1e-3}}

    def work(index: int):
        if index % 2 == 0:
            return client.post("/sample", json=sample)
        forward = client.post("/forward_backward", json={"data": [DATUM]})
        return forward if forward.status_code != 200 else client.post("/optim_step", json=step)

    start = engine_of(client).step
    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(work, range(12)))
    assert [r.status_code for r in responses] == [200] * 12
    assert engine_of(client).step == start + 6
    assert all(len(group) == 8 for r in responses[::2] for group in r.json()["samples"])
