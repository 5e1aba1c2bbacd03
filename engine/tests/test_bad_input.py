"""Bad requests get a 4xx with a clear message naming the argument, and the engine keeps serving."""

import pytest

GOOD = {"tokens": [1, 5, 6], "target_tokens": [5, 6, 7]}
CASES = [
    ("/logprobs", {"data": [{"tokens": [1, 99999, 6], "target_tokens": [5, 6, 7]}]}, "outside the vocabulary", "data[0].tokens"),
    ("/logprobs", {"data": [{"tokens": [1, -3], "target_tokens": [5, 6]}]}, "outside the vocabulary", "data[0].tokens"),
    ("/logprobs", {"data": [{"tokens": [1] * 1100, "target_tokens": [5] * 1100}]}, "context length", "data[0].tokens"),
    ("/logprobs", {"data": [{"tokens": [1, 5, 6], "target_tokens": [5, 6]}]}, "aligned", "data[0].target_tokens"),
    ("/logprobs", {"data": [GOOD], "extra": True}, "Extra inputs", "extra"),
    ("/logprobs", {"data": []}, "at least 1", "data"),
    ("/forward_backward", {"data": [{**GOOD, "weights": [1.0, 2.0]}]}, "weights has 2 values", "data[0].weights"),
    ("/forward_backward", {"data": [{**GOOD, "weights": [1.0, float("nan"), 1.0]}]}, "finite", "data.0.weights.1"),
    ("/forward_backward", {"data": [{**GOOD, "weights": [1.0, 1.0, 1.0], "advantages": [1]}]}, "Extra inputs", None),
    ("/sample", {"prompts": [[1, 2]], "num_samples": 1, "sampling_params": {"max_tokens": 2000}}, "context length", "prompts[0]"),
    ("/sample", {"prompts": [[1, 5000]], "num_samples": 1, "sampling_params": {"max_tokens": 2}}, "vocabulary", "prompts[0]"),
    ("/sample", {"prompts": [[1]], "num_samples": 0, "sampling_params": {"max_tokens": 2}}, "greater than or equal", "num_samples"),
    ("/sample", {"prompts": [[1]], "sampling_params": {"max_tokens": 2, "top_p": 0}}, "greater than 0", None),
    ("/backward", {"handle": "nope", "weights": [[1.0]]}, "unknown or expired handle", "handle"),
    ("/optim_step", {"adam_params": {"learning_rate": -1}}, "greater than or equal", None),
    ("/load_state", {"path": "nonexistent/state"}, "no saved state", "path"),
    ("/load_state", {"path": "/etc"}, "outside the engine's state directories", "path"),
    ("/save_state", {"path": "../../escape"}, "outside the engine's state directories", "path"),
    ("/sample", {"prompts": [[1]], "sampling_params": {"max_tokens": 2, "seed": 2**64}}, "less than or equal", None),
    ("/v1/completions", {"prompt": "hi", "max_tokens": 5, "stream_options": {"include_usage": True}}, "needs stream",
     "stream_options"),
    ("/v1/completions", {"prompt": "hi", "max_tokens": 2000, "stream": True}, "context length", "max_tokens"),
    ("/v1/chat/completions", {"messages": [], "max_tokens": 5}, "at least 1", "messages"),
]


@pytest.mark.parametrize(("path", "body", "message", "param"), CASES, ids=[f"{c[0]}:{c[2]}" for c in CASES])
def test_bad_request_is_rejected_and_engine_keeps_serving(client, path, body, message, param):
    import json

    response = client.post(path, content=json.dumps(body), headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    error = response.json()["error"]
    assert message in error["message"], error
    assert error["type"] and (param is None or error["param"] == param), error
    assert client.get("/health").json()["status"] == "ok"
    assert client.post("/logprobs", json={"data": [GOOD]}).status_code == 200


def test_malformed_json_is_a_400(client):
    response = client.post("/logprobs", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400 and "error" in response.json()


def test_reference_is_refused_without_one(tiny_model_dir):
    from conftest import make_client

    bare = make_client(tiny_model_dir)
    response = bare.post("/logprobs", json={"data": [GOOD], "model": "reference"})
    assert response.status_code == 400 and "no reference model" in response.json()["error"]["message"]
