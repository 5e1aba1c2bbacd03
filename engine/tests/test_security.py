"""Safe by default: no route without the token, JSON bodies only, bounded bodies and requests, paths confined to
the state directory, checkpoints that never unpickle and load all or nothing."""

import json
import os
import pickle
import time

import pytest
import torch
from fastapi.testclient import TestClient

from boxed_engine.limits import Limits
from conftest import TOKEN, engine_of, live_server, make_app, make_client, post

GOOD = {"tokens": [1, 5, 6], "target_tokens": [5, 6, 7]}
ROUTES = [("GET", "/health"), ("GET", "/info"), ("GET", "/v1/models"), ("GET", "/nope"), ("POST", "/sample"),
          ("POST", "/logprobs"), ("POST", "/forward_backward"), ("POST", "/forward"), ("POST", "/backward"),
          ("POST", "/optim_step"), ("POST", "/zero_grad"), ("POST", "/save_state"), ("POST", "/load_state"),
          ("POST", "/export"), ("POST", "/v1/completions"), ("POST", "/v1/chat/completions"), ("GET", "/docs"),
          ("GET", "/openapi.json")]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token-0123456789", f"Basic {TOKEN}", TOKEN])
def test_no_route_answers_without_the_token(client, method, path, authorization):
    anonymous = TestClient(client.app, raise_server_exceptions=False)
    headers = {"content-type": "application/json", **({"authorization": authorization} if authorization else {})}
    response = anonymous.request(method, path, content=b"{}", headers=headers)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["type"] == "authentication_error"


def test_bearer_scheme_is_case_insensitive(client):
    anonymous = TestClient(client.app)
    assert anonymous.get("/health", headers={"authorization": f"bearer {TOKEN}"}).status_code == 200


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_bodies_must_be_json(client, content_type):
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/zero_grad", content=b"{}", headers=headers)
    assert response.status_code == 415 and "application/json" in response.json()["error"]["message"]


def test_bodies_over_the_limit_are_refused_at_once(tiny_model_dir):
    small = make_client(tiny_model_dir, Limits(state_dirs=(tiny_model_dir.parent,), max_body_bytes=1000))
    big = json.dumps({"data": [{"tokens": [1] * 400, "target_tokens": [1] * 400}]})
    response = small.post("/logprobs", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413 and "--max-body-bytes" in response.json()["error"]["message"]

    def chunks():  # no content-length: counted as it arrives
        yield big.encode()

    chunked = small.post("/logprobs", content=chunks(), headers={"content-type": "application/json"})
    assert chunked.status_code == 413
    assert small.post("/logprobs", json={"data": [GOOD]}).status_code == 200


def test_sampling_caps_are_clear_400s(tiny_model_dir):
    capped = make_client(tiny_model_dir, Limits(state_dirs=(tiny_model_dir.parent,), max_rows=8, max_sampled_tokens=64))
    rows = capped.post("/sample", json={"prompts": [[1, 2]] * 3, "num_samples": 3, "sampling_params": {"max_tokens": 2}})
    assert rows.status_code == 400 and "--max-rows" in rows.json()["error"]["message"]
    tokens = capped.post("/v1/completions", json={"prompt": "hi", "n": 4, "max_tokens": 17})
    assert tokens.status_code == 400 and "--max-sampled-tokens" in tokens.json()["error"]["message"]
    assert capped.post("/v1/completions", json={"prompt": "hi", "n": 4, "max_tokens": 16}).status_code == 200


def test_forward_handles_hold_a_bounded_number_of_tokens(tiny_model_dir):
    bounded = make_client(tiny_model_dir, Limits(state_dirs=(tiny_model_dir.parent,), max_forward_tokens=8))
    datum = {"tokens": [1, 5, 6, 7], "target_tokens": [5, 6, 7, 8]}
    refused = bounded.post("/forward", json={"data": [datum] * 3})
    assert refused.status_code == 400 and "--max-forward-tokens" in refused.json()["error"]["message"]
    handles = [post(bounded, "/forward", {"data": [datum]})["handle"] for _ in range(3)]
    assert sum(sum(p.lengths) for p in bounded.app.state.trainer.pending.values()) <= 8
    expired = bounded.post("/backward", json={"handle": handles[0], "weights": [[1.0] * 4]})
    assert expired.status_code == 404
    assert bounded.post("/backward", json={"handle": handles[2], "weights": [[1.0] * 4]}).status_code == 200


@pytest.mark.parametrize("path", ["/etc/boxed", "../outside", "a/../../outside"])
def test_paths_outside_the_state_directory_are_refused(client, path):
    for route in ("/save_state", "/export", "/load_state"):
        response = client.post(route, json={"path": path})
        assert response.status_code == 400 and "--state-dir" in response.json()["error"]["message"]


def test_the_served_model_folder_is_never_written(client, tiny_model_dir):
    for path in (str(tiny_model_dir), str(tiny_model_dir / "sub")):
        response = client.post("/export", json={"path": path})
        assert response.status_code == 400 and "served model" in response.json()["error"]["message"]


def test_unwritable_path_is_a_400_and_the_connection_lives(client, tmp_path):
    (tmp_path / "file").write_text("in the way")
    response = client.post("/save_state", json={"path": str(tmp_path / "file" / "state")})
    assert response.status_code == 400 and "cannot write" in response.json()["error"]["message"]
    assert client.get("/health").status_code == 200


class Planted:
    def __reduce__(self):
        return (os.system, (f"touch {os.environ['BOXED_PWNED']}",))


def test_a_pickle_planted_in_a_state_folder_never_runs(client, tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    monkeypatch.setenv("BOXED_PWNED", str(marker))
    post(client, "/forward_backward", {"data": [{**GOOD, "weights": [1.0, 1.0, 1.0]}]})
    post(client, "/save_state", {"path": str(tmp_path / "state")})
    for name in ("optimizer.pt", "rng.pt"):  # the files an older engine unpickled
        (tmp_path / "state" / name).write_bytes(pickle.dumps(Planted()))
    assert client.post("/load_state", json={"path": str(tmp_path / "state")}).status_code == 200
    for name in ("optimizer.safetensors", "rng.safetensors", "optimizer.json", "rng.json"):
        (tmp_path / "state" / name).write_bytes(pickle.dumps(Planted()))
        response = client.post("/load_state", json={"path": str(tmp_path / "state")})
        assert response.status_code == 422 and "unreadable" in response.json()["error"]["message"]
    assert not marker.exists()


@pytest.mark.parametrize("damage", ["optimizer shape", "rng", "missing file", "step"])
def test_a_failed_load_changes_nothing(tiny_model_dir, tmp_path, damage):
    from safetensors.torch import load_file, save_file

    engine_client = make_client(tiny_model_dir, seed=1)
    datum = {**GOOD, "weights": [1.0, 1.0, 1.0]}
    post(engine_client, "/forward_backward", {"data": [datum]})
    post(engine_client, "/optim_step", {"adam_params": {"learning_rate": 1e-2}})
    state = tmp_path / "state"
    post(engine_client, "/save_state", {"path": str(state)})
    if damage == "optimizer shape":
        tensors = load_file(str(state / "optimizer.safetensors"))
        name = next(key for key in tensors if key.endswith("exp_avg"))
        save_file({**tensors, name: torch.zeros(3)}, str(state / "optimizer.safetensors"))
    elif damage == "rng":
        save_file({**load_file(str(state / "rng.safetensors")), "sampling": torch.zeros(7, dtype=torch.uint8)},
                  str(state / "rng.safetensors"))
    elif damage == "missing file":
        (state / "rng.json").unlink()
    else:
        (state / "state.json").write_text(json.dumps({"step": "many"}))
    for _ in range(2):
        post(engine_client, "/forward_backward", {"data": [datum]})
        post(engine_client, "/optim_step", {"adam_params": {"learning_rate": 1e-2}})
    engine = engine_of(engine_client)
    before = ({name: p.detach().clone() for name, p in engine.trainable_parameters()}, engine.step,
              engine.sampling_generator.get_state().clone())
    response = engine_client.post("/load_state", json={"path": str(state)})
    assert response.status_code in (409, 422), response.text
    assert engine.step == before[1] == 3 and torch.equal(engine.sampling_generator.get_state(), before[2])
    assert all(torch.equal(p, before[0][name]) for name, p in engine.trainable_parameters())


def test_errors_have_openai_shape_for_unknown_routes_and_methods(client):
    for response, status in ((client.get("/nope"), 404), (client.get("/sample"), 405),
                             (client.post("/sample", content=b"[1,", headers={"content-type": "application/json"}), 400)):
        assert response.status_code == status
        assert set(response.json()["error"]) == {"message", "type", "param", "code"}


def test_non_streamed_requests_stop_decoding_when_the_client_disconnects(tiny_model_dir):
    import httpx

    app = make_app(tiny_model_dir)
    with live_server(app) as http:
        body = {"prompt": "hi", "n": 16, "max_tokens": 900, "temperature": 1.0, "seed": 3}
        engine = app.state.engine
        start = engine.generated_tokens
        with pytest.raises(httpx.ReadTimeout):
            http.post("/v1/completions", json=body, timeout=0.5)
        time.sleep(0.5)
        settled = engine.generated_tokens
        time.sleep(0.5)
        assert engine.generated_tokens == settled and settled - start < 16 * 900 / 2
        assert http.get("/health").status_code == 200
