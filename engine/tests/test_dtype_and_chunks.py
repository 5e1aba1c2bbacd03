"""bfloat16 engines run every call; sampling in chunks gives the same samples as one batch."""

from conftest import make_client, post

DATUM = {"tokens": [1, 5, 6, 7], "target_tokens": [5, 6, 7, 8], "weights": [1.0, 1.0, 1.0, 1.0]}


def test_bfloat16_engine_samples_and_trains(tiny_model_dir):
    client = make_client(tiny_model_dir, dtype="bfloat16")
    assert client.get("/info").json()["dtype"] == "bfloat16"
    samples = post(client, "/sample", {"prompts": [[1, 40]], "num_samples": 2, "sampling_params": {"max_tokens": 3, "seed": 0}})
    assert all(len(sample["tokens"]) == len(sample["logprobs"]) for sample in samples["samples"][0])
    loss = post(client, "/forward_backward", {"data": [DATUM]})["loss"]
    assert loss > 0 and post(client, "/optim_step", {"adam_params": {"learning_rate": 1e-3}})["step"] == 1


def test_chunked_sampling_matches_one_batch_under_greedy_decoding(tiny_model_dir):
    body = {"prompts": [[1, 40, 41], [1, 50], [1, 60, 61, 62]], "num_samples": 3,
            "sampling_params": {"max_tokens": 6, "temperature": 0}}
    whole = post(make_client(tiny_model_dir), "/sample", body)["samples"]
    chunked = post(make_client(tiny_model_dir, token_budget=1), "/sample", body)["samples"]  # one row per chunk
    assert [[s["tokens"] for s in group] for group in chunked] == [[s["tokens"] for s in group] for group in whole]
    for group_whole, group_chunked in zip(whole, chunked, strict=True):
        for a, b in zip(group_whole, group_chunked, strict=True):
            assert max(abs(x - y) for x, y in zip(a["logprobs"], b["logprobs"], strict=True)) < 1e-4
