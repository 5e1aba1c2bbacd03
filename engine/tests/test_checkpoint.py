"""save_state / load_state resume exactly; export writes a loadable HF directory (merged for LoRA)."""

import torch
from transformers import AutoModelForCausalLM

from boxed_engine.scoring import score_batch
from conftest import engine_of, make_client, post

DATA = [{"tokens": [1, 5, 6, 7, 8], "target_tokens": [5, 6, 7, 8, 9], "weights": [0, 1, 1, 1, 1]},
        {"tokens": [1, 30, 31], "target_tokens": [30, 31, 32], "weights": [0, -0.5, 1]}]
PLAIN = [{"tokens": d["tokens"], "target_tokens": d["target_tokens"]} for d in DATA]
SAMPLE = {"prompts": [[1, 40, 41]], "num_samples": 4, "sampling_params": {"max_tokens": 8}}  # unseeded: engine RNG


def train_step(client) -> dict:
    post(client, "/forward_backward", {"data": DATA})
    return post(client, "/optim_step", {"adam_params": {"learning_rate": 5e-3, "weight_decay": 0.01}})


def continuation(client) -> tuple:
    step = train_step(client)
    return step, post(client, "/logprobs", {"data": PLAIN})["logprobs"], post(client, "/sample", SAMPLE)["samples"]


def test_save_then_load_resumes_exactly_in_a_fresh_engine(tiny_model_dir, tmp_path):
    first = make_client(tiny_model_dir, seed=3)
    train_step(first)
    post(first, "/sample", SAMPLE)  # advance the sampling RNG before saving
    assert post(first, "/save_state", {"path": str(tmp_path / "state")}) == {"path": str(tmp_path / "state")}
    expected = continuation(first)

    second = make_client(tiny_model_dir, seed=99)
    assert post(second, "/load_state", {"path": str(tmp_path / "state")}) == {"step": 1}
    assert continuation(second) == expected
    assert post(first, "/load_state", {"path": str(tmp_path / "state")})["step"] == 1
    assert continuation(first) == expected


def test_export_full_model_loads_with_transformers(client, tmp_path):
    train_step(client)
    post(client, "/export", {"path": str(tmp_path / "export")})
    assert (tmp_path / "export" / "tokenizer.json").exists()
    exported = AutoModelForCausalLM.from_pretrained(tmp_path / "export").eval()
    with torch.no_grad():
        logprobs, _, _ = score_batch(exported, [PLAIN[0]["tokens"]], [PLAIN[0]["target_tokens"]], torch.device("cpu"), False)
    served = post(client, "/logprobs", {"data": PLAIN[:1]})["logprobs"][0]
    assert torch.allclose(logprobs[0], torch.tensor(served), atol=1e-5)


def test_lora_trains_adapter_only_reference_is_base_and_export_is_merged(lora_client, client, tiny_model_dir, tmp_path):
    info = lora_client.get("/info").json()
    assert info["lora"] == {"rank": 4, "alpha": 8.0, "targets": ["q_proj", "v_proj"]} and info["reference"] is True
    assert 0 < info["trainable_parameters"] < info["parameters"] / 10
    base = make_client(tiny_model_dir)
    base_logprobs = post(base, "/logprobs", {"data": PLAIN})["logprobs"]
    frozen = {name: p.detach().clone() for name, p in engine_of(lora_client).model.named_parameters() if not p.requires_grad}
    for _ in range(2):
        train_step(lora_client)
    policy = post(lora_client, "/logprobs", {"data": PLAIN})["logprobs"]
    reference = post(lora_client, "/logprobs", {"data": PLAIN, "model": "reference"})["logprobs"]
    assert reference == base_logprobs and policy != base_logprobs
    assert all(torch.equal(p, frozen[name]) for name, p in engine_of(lora_client).model.named_parameters() if name in frozen)

    post(lora_client, "/save_state", {"path": str(tmp_path / "lora-state")})
    train_step(lora_client)
    post(lora_client, "/load_state", {"path": str(tmp_path / "lora-state")})
    assert post(lora_client, "/logprobs", {"data": PLAIN})["logprobs"] == policy

    post(lora_client, "/export", {"path": str(tmp_path / "merged")})
    merged = AutoModelForCausalLM.from_pretrained(tmp_path / "merged").eval()
    assert not any("lora" in name for name, _ in merged.named_parameters())
    with torch.no_grad():
        logprobs, _, _ = score_batch(merged, [PLAIN[0]["tokens"]], [PLAIN[0]["target_tokens"]], torch.device("cpu"), False)
    assert torch.allclose(logprobs[0], torch.tensor(policy[0]), atol=1e-4)
    mismatch = client.post("/load_state", json={"path": str(tmp_path / "lora-state")})
    assert mismatch.status_code == 409 and "trainable parameters" in mismatch.json()["error"]["message"]
