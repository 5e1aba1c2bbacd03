"""Weight sync between a training engine and a serving engine: vLLM's LoRA routes and SGLang's
update_weights_from_disk, with their request and response shapes; the served log-probs become the trainer's."""

import json

import pytest
import torch
from safetensors.torch import save_file

from boxed_engine.limits import Limits
from conftest import engine_of, make_client, post

DATA = [{"tokens": [1, 5, 6, 7, 8], "target_tokens": [5, 6, 7, 8, 9], "weights": [0, 1, 1, 1, 1]},
        {"tokens": [1, 30, 31], "target_tokens": [30, 31, 32], "weights": [0, -0.5, 1]}]
PLAIN = [{"tokens": d["tokens"], "target_tokens": d["target_tokens"]} for d in DATA]


def train(client, steps: int = 2) -> None:
    for _ in range(steps):
        post(client, "/forward_backward", {"data": DATA})
        post(client, "/optim_step", {"adam_params": {"learning_rate": 2e-2}})


def logprobs(client) -> torch.Tensor:
    return torch.tensor([value for row in post(client, "/logprobs", {"data": PLAIN})["logprobs"] for value in row])


@pytest.fixture()
def server(tiny_model_dir):
    return make_client(tiny_model_dir)


def test_lora_adapter_export_and_load_make_the_server_score_like_the_trainer(tiny_model_dir, server, tmp_path):
    trainer = make_client(tiny_model_dir, lora_rank=4, lora_alpha=8.0, lora_targets=("q_proj", "v_proj"))
    before = logprobs(server)
    train(trainer)
    assert post(trainer, "/export_adapter", {"path": str(tmp_path / "v1")}) == {"path": str(tmp_path / "v1")}
    assert sorted(p.name for p in (tmp_path / "v1").iterdir()) == ["README.md", "adapter_config.json",
                                                                   "adapter_model.safetensors"]
    response = server.post("/v1/load_lora_adapter", json={"lora_name": "step-2", "lora_path": str(tmp_path / "v1")})
    assert response.status_code == 200 and response.text == "Success: LoRA adapter 'step-2' added successfully."
    assert torch.allclose(logprobs(server), logprobs(trainer), atol=1e-5)
    assert not torch.allclose(logprobs(server), before, atol=1e-3)

    again = server.post("/v1/load_lora_adapter", json={"lora_name": "step-2", "lora_path": str(tmp_path / "v1")})
    assert again.status_code == 400 and "already been loaded" in again.json()["error"]["message"]
    train(trainer)  # a newer adapter replaces the first one (relative to the base, not stacked on it)
    post(trainer, "/export_adapter", {"path": str(tmp_path / "v2")})
    assert server.post("/v1/load_lora_adapter", json={"lora_name": "step-4", "lora_path": str(tmp_path / "v2")}).status_code == 200
    assert torch.allclose(logprobs(server), logprobs(trainer), atol=1e-5)

    gone = server.post("/v1/unload_lora_adapter", json={"lora_name": "step-2"})
    assert gone.status_code == 404
    removed = server.post("/v1/unload_lora_adapter", json={"lora_name": "step-4"})
    assert removed.text == "Success: LoRA adapter 'step-4' removed successfully."
    assert torch.equal(logprobs(server), before)


def test_update_weights_from_disk_loads_a_full_export(tiny_model_dir, server, client, tmp_path):
    train(client)
    post(client, "/export", {"path": str(tmp_path / "full")})
    body = {"model_path": str(tmp_path / "full"), "weight_version": "3"}
    assert post(server, "/update_weights_from_disk", body) == {
        "success": True, "message": "Succeeded to update model weights. Weight version updated to 3.",
        "num_paused_requests": 0}
    assert torch.allclose(logprobs(server), logprobs(client), atol=1e-5)
    post(server, "/update_weights_from_disk", {"model_path": str(tiny_model_dir)})  # back to the served model
    assert torch.equal(logprobs(server), logprobs(make_client(tiny_model_dir)))


def test_bad_sync_requests_are_clear_errors_and_change_nothing(tiny_model_dir, server, tmp_path):
    before = logprobs(server)
    (tmp_path / "pickled").mkdir()
    torch.save({"x": torch.zeros(1)}, tmp_path / "pickled" / "pytorch_model.bin")
    failed = server.post("/update_weights_from_disk", json={"model_path": str(tmp_path / "pickled")})
    assert failed.status_code == 400 and failed.json()["success"] is False
    assert "safetensors only" in failed.json()["message"]

    wrong = tmp_path / "wrong"
    wrong.mkdir()
    save_file({"model.layers.0.self_attn.q_proj.weight": torch.zeros(3, 3)}, str(wrong / "model.safetensors"))
    assert "shape" in server.post("/update_weights_from_disk", json={"model_path": str(wrong)}).json()["message"]
    relative = server.post("/update_weights_from_disk", json={"model_path": "models/x"}).json()
    assert "absolute" in relative["message"]
    not_adapter = server.post("/v1/load_lora_adapter", json={"lora_name": "a", "lora_path": str(tiny_model_dir)})
    assert not_adapter.status_code == 404 and "No adapter found" in not_adapter.json()["error"]["message"]
    missing = server.post("/v1/load_lora_adapter", json={"lora_name": "a", "lora_path": str(tmp_path)})
    assert missing.status_code == 404
    (tmp_path / "adapter").mkdir()
    (tmp_path / "adapter" / "adapter_config.json").write_text(json.dumps({"r": 4, "lora_alpha": 8}))
    (tmp_path / "adapter" / "adapter_model.safetensors").write_bytes(b"not safetensors")
    broken = server.post("/v1/load_lora_adapter", json={"lora_name": "a", "lora_path": str(tmp_path / "adapter")})
    assert broken.status_code == 400 and "safetensors" in broken.json()["error"]["message"]
    assert server.post("/export_adapter", json={"path": str(tmp_path / "out")}).status_code == 409
    lora = make_client(tiny_model_dir, lora_rank=2)
    into_model = lora.post("/export_adapter", json={"path": str(tiny_model_dir / "adapter")})
    assert into_model.status_code == 400 and "served model's folder" in into_model.json()["error"]["message"]
    confined = make_client(tiny_model_dir, limits=Limits(state_dirs=(tmp_path / "state",)))
    outside = confined.post("/v1/load_lora_adapter", json={"lora_name": "a", "lora_path": str(tmp_path / "adapter")})
    assert outside.status_code == 400 and "outside the engine's state directories" in outside.json()["error"]["message"]
    assert outside.json()["error"]["param"] == "lora_path"
    assert server.post("/v1/load_lora_adapter", json={"lora_name": "a"}).status_code == 400
    assert torch.equal(logprobs(server), before)
    assert engine_of(server).is_lora is False


def test_completions_take_token_ids_and_return_token_ids_with_the_sampler_logprobs(server):
    """What the trainer's remote rollouts rely on: prompt as ids in, ids + log-probs out (never text)."""
    prompt = [1, 40, 41, 42]
    body = {"prompt": prompt, "n": 3, "max_tokens": 6, "logprobs": 1, "seed": 5, "return_tokens_as_token_ids": True}
    answer = post(server, "/v1/completions", body)
    for choice in answer["choices"]:
        tokens = [int(token.removeprefix("token_id:")) for token in choice["logprobs"]["tokens"]]
        assert all(token.startswith("token_id:") for token in choice["logprobs"]["tokens"])
        full = prompt + tokens
        scored = post(server, "/logprobs", {"data": [{"tokens": full[:-1], "target_tokens": full[1:]}]})["logprobs"][0]
        assert torch.allclose(torch.tensor(scored[len(prompt) - 1:]), torch.tensor(choice["logprobs"]["token_logprobs"]),
                              atol=1e-5)
    plain = post(server, "/v1/completions", {**body, "return_tokens_as_token_ids": False})
    assert not plain["choices"][0]["logprobs"]["tokens"][0].startswith("token_id:")
