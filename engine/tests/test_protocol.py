"""Protocol round trip: health, info, sampling, log-probs, training calls."""

import torch

from conftest import engine_of, post

PROMPTS = [[1, 40, 41, 42], [1, 50]]


def test_health_and_info(client):
    assert client.get("/health").json() == {"status": "ok", "protocol": 2}
    info = client.get("/info").json()
    assert info["architecture"] == "Qwen2ForCausalLM" and info["lora"] is None and info["reference"] is True
    assert info["parameters"] == info["trainable_parameters"] > 300_000
    assert info["max_context"] == 1024 and info["dtype"] == "float32"


def test_sample_shape_and_seeded_reproducibility(client):
    body = {"prompts": PROMPTS, "num_samples": 3, "sampling_params": {"max_tokens": 6, "seed": 7}}
    first = post(client, "/sample", body)["samples"]
    assert len(first) == 2 and all(len(group) == 3 for group in first)
    for sample in first[0] + first[1]:
        assert len(sample["tokens"]) == len(sample["logprobs"]) <= 6
        assert sample["stop_reason"] in ("stop", "length")
        assert all(value <= 0 for value in sample["logprobs"])
    assert post(client, "/sample", body)["samples"] == first
    other = post(client, "/sample", {**body, "sampling_params": {"max_tokens": 6, "seed": 8}})["samples"]
    assert other != first


def test_sample_logprobs_equal_logprobs_endpoint(client):
    body = {"prompts": PROMPTS, "num_samples": 4, "sampling_params": {"max_tokens": 12, "temperature": 0.7, "top_p": 0.9, "seed": 1}}
    samples = post(client, "/sample", body)["samples"]
    data, expected = [], []
    for prompt, group in zip(PROMPTS, samples, strict=True):
        for sample in group:
            full = prompt + sample["tokens"]
            data.append({"tokens": full[:-1], "target_tokens": full[1:]})
            expected.append(sample["logprobs"])
    scored = post(client, "/logprobs", {"data": data, "temperature": 0.7})["logprobs"]  # top-p does not change them
    for row, (prompt_index, values) in enumerate(zip([0] * 4 + [1] * 4, expected, strict=True)):
        prompt_length = len(PROMPTS[prompt_index])
        got = torch.tensor(scored[row][prompt_length - 1:])
        assert torch.allclose(got, torch.tensor(values), atol=1e-4), row


def test_tempered_sample_logprobs_equal_tempered_scoring(client):
    """At T = 0.6 the sampler records log softmax(z / T) and /logprobs, /forward, /forward_backward with
    temperature 0.6 compute the same numbers; untempered scoring does not (the bug this guards against)."""
    temperature = 0.6
    body = {"prompts": PROMPTS, "num_samples": 4, "sampling_params": {"max_tokens": 10, "temperature": temperature, "seed": 2}}
    samples = post(client, "/sample", body)["samples"]
    data, expected, starts = [], [], []
    for prompt, group in zip(PROMPTS, samples, strict=True):
        for sample in group:
            full = prompt + sample["tokens"]
            data.append({"tokens": full[:-1], "target_tokens": full[1:]})
            expected.append(torch.tensor(sample["logprobs"]))
            starts.append(len(prompt) - 1)
    tempered = post(client, "/logprobs", {"data": data, "temperature": temperature})["logprobs"]
    forward = post(client, "/forward", {"data": data, "temperature": temperature})["logprobs"]
    weighted = [{**datum, "weights": [0.0] * len(datum["tokens"])} for datum in data]
    joint = post(client, "/forward_backward", {"data": weighted, "temperature": temperature})["logprobs"]
    post(client, "/zero_grad", {})
    plain = post(client, "/logprobs", {"data": data})["logprobs"]
    worst_plain = 0.0
    for row, start in enumerate(starts):
        for scored in (tempered, forward, joint):
            assert (torch.tensor(scored[row][start:]) - expected[row]).abs().max() < 1e-4, row
        worst_plain = max(worst_plain, float((torch.tensor(plain[row][start:]) - expected[row]).abs().max()))
    assert worst_plain > 1e-2


def test_stop_token_ids_and_greedy(client):
    greedy = {"prompts": [PROMPTS[0]], "num_samples": 2, "sampling_params": {"max_tokens": 5, "temperature": 0}}
    first, second = post(client, "/sample", greedy)["samples"][0]
    assert first["tokens"] == second["tokens"]
    top_one = {"prompts": [PROMPTS[0]], "num_samples": 1, "sampling_params": {"max_tokens": 5, "top_k": 1, "seed": 3}}
    assert post(client, "/sample", top_one)["samples"][0][0]["tokens"] == first["tokens"]
    stop_at = first["tokens"][1]
    stopped = {"prompts": [PROMPTS[0]], "num_samples": 1,
               "sampling_params": {"max_tokens": 5, "temperature": 0, "stop_token_ids": [stop_at]}}
    sample = post(client, "/sample", stopped)["samples"][0][0]
    assert sample["stop_reason"] == "stop" and sample["tokens"][-1] == stop_at
    assert sample["tokens"] == first["tokens"][: sample["tokens"].index(stop_at) + 1]


def test_entropy_and_reference(client):
    data = [{"tokens": [1, 5, 6, 7], "target_tokens": [5, 6, 7, 8]}]
    policy = post(client, "/logprobs", {"data": data, "entropy": True})
    assert len(policy["entropies"][0]) == 4 and all(value > 0 for value in policy["entropies"][0])
    reference = post(client, "/logprobs", {"data": data, "model": "reference"})
    assert reference["logprobs"] == policy["logprobs"]  # no step taken yet in this module


def test_training_moves_logprobs_and_keeps_reference(client):
    data = [{"tokens": [1, 5, 6, 7], "target_tokens": [5, 6, 7, 8], "weights": [0, 1, 1, 1]}]
    before = post(client, "/forward_backward", {"data": data})
    assert before["tokens"] == 4 and abs(before["loss"] + sum(before["logprobs"][0][1:])) < 1e-4
    step = post(client, "/optim_step", {"adam_params": {"learning_rate": 1e-2}})
    assert step["step"] == engine_of(client).step and step["grad_norm"] > 0
    plain = [{"tokens": datum["tokens"], "target_tokens": datum["target_tokens"]} for datum in data]
    after = post(client, "/logprobs", {"data": plain})["logprobs"][0]
    assert sum(after[1:]) > sum(before["logprobs"][0][1:])
    reference = post(client, "/logprobs", {"data": plain, "model": "reference"})["logprobs"][0]
    assert torch.allclose(torch.tensor(reference), torch.tensor(before["logprobs"][0]), atol=1e-6)


def test_split_forward_backward_matches_forward_backward(client):
    engine = engine_of(client)
    data = [{"tokens": [1, 9, 10, 11, 12], "target_tokens": [9, 10, 11, 12, 13]}, {"tokens": [1, 20], "target_tokens": [20, 21]}]
    weights = [[0.5, -1.0, 0.25, 2.0, 0.0], [1.0, -0.5]]
    post(client, "/zero_grad", {})
    weighted = [{**datum, "weights": row} for datum, row in zip(data, weights, strict=True)]
    entropy_weights = [[0.01, 0.0, 0.02, 0.01, 0.0], [0.03, 0.01]]
    weighted = [{**datum, "entropy_weights": row} for datum, row in zip(weighted, entropy_weights, strict=True)]
    joint = post(client, "/forward_backward", {"data": weighted, "temperature": 0.7})
    joint_gradient = [p.grad.clone() for _, p in engine.trainable_parameters()]
    post(client, "/zero_grad", {})
    forward = post(client, "/forward", {"data": data, "temperature": 0.7})
    assert torch.allclose(torch.tensor(forward["logprobs"][0]), torch.tensor(joint["logprobs"][0]), atol=1e-6)
    split = post(client, "/backward", {"handle": forward["handle"], "weights": weights, "entropy_weights": entropy_weights})
    assert abs(split["loss"] - joint["loss"]) < 1e-4
    for (_, parameter), expected in zip(engine.trainable_parameters(), joint_gradient, strict=True):
        assert torch.allclose(parameter.grad, expected, atol=1e-6)
    again = client.post("/backward", json={"handle": forward["handle"], "weights": weights})
    assert again.status_code == 404 and "handle" in again.json()["error"]["message"]
    post(client, "/zero_grad", {})


def test_micro_batching_gives_the_same_gradient(tiny_model_dir):
    from conftest import make_client

    data = [{"tokens": [1] + list(range(30, 30 + n)), "target_tokens": list(range(30, 31 + n)), "weights": [1.0] * (n + 1)}
            for n in (3, 9, 5, 14)]
    gradients = []
    for budget in (16384, 16):
        small = make_client(tiny_model_dir, token_budget=budget)
        result = post(small, "/forward_backward", {"data": data})
        gradients.append((result, [p.grad.clone() for _, p in engine_of(small).trainable_parameters()]))
    (whole, whole_grad), (split, split_grad) = gradients
    assert abs(whole["loss"] - split["loss"]) < 1e-3
    assert all(torch.allclose(a, b, atol=1e-5) for a, b in zip(whole_grad, split_grad, strict=True))


def test_rows_that_stop_early_leave_the_batch_and_logprobs_still_agree(client):
    stop_ids = list(range(3, 400))  # about half the vocabulary: most rows stop within a few tokens
    body = {"prompts": PROMPTS, "num_samples": 16, "sampling_params": {"max_tokens": 10, "seed": 5, "stop_token_ids": stop_ids}}
    samples = [sample for group in post(client, "/sample", body)["samples"] for sample in group]
    lengths = [len(sample["tokens"]) for sample in samples]
    assert min(lengths) < 3 and len(set(lengths)) > 2
    for sample in samples:
        assert all(token not in stop_ids for token in sample["tokens"][:-1])
        assert (sample["stop_reason"] == "stop") == (sample["tokens"][-1] in stop_ids)
    prompts = [PROMPTS[0]] * 16 + [PROMPTS[1]] * 16
    data = [{"tokens": (p + s["tokens"])[:-1], "target_tokens": (p + s["tokens"])[1:]} for p, s in zip(prompts, samples, strict=True)]
    scored = post(client, "/logprobs", {"data": data})["logprobs"]
    for prompt, sample, row in zip(prompts, samples, scored, strict=True):
        assert torch.allclose(torch.tensor(row[len(prompt) - 1:]), torch.tensor(sample["logprobs"]), atol=1e-4)
