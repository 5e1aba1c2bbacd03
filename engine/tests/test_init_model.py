import hashlib
import json

from tokenizers import Tokenizer
from transformers import AutoTokenizer

from boxed_engine.init_model import init_model


def digest(directory) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(directory.iterdir())}


def test_same_seed_gives_identical_files_and_another_seed_other_weights(tmp_path, tiny_model_dir):
    again = tmp_path / "again"
    other = tmp_path / "other"
    init_model(again, "tiny", seed=0)
    init_model(other, "tiny", seed=1)
    assert digest(again) == digest(tiny_model_dir)
    assert digest(other)["model.safetensors"] != digest(again)["model.safetensors"]
    assert digest(other)["tokenizer.json"] == digest(again)["tokenizer.json"]


def test_tiny_config_is_a_small_qwen2(tiny_model_dir):
    config = json.loads((tiny_model_dir / "config.json").read_text())
    assert config["architectures"] == ["Qwen2ForCausalLM"]
    assert config["hidden_size"] == 128 and config["num_hidden_layers"] == 2 and config["num_attention_heads"] == 4
    assert config["tie_word_embeddings"] is True and config["max_position_embeddings"] == 1024
    assert 500 <= config["vocab_size"] <= 2048


def test_tokenizer_splits_digits_and_keeps_special_tokens(tiny_model_dir):
    tokenizer = Tokenizer.from_file(str(tiny_model_dir / "tokenizer.json"))
    encoding = tokenizer.encode("x = 2048 <think>ok</think><|im_end|>")
    assert [token for token in encoding.tokens if token.isdigit()] == ["2", "0", "4", "8"]
    for special in ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>"]:
        assert special in encoding.tokens or tokenizer.token_to_id(special) is not None
    assert "<think>" in encoding.tokens and "<|im_end|>" in encoding.tokens
    text = "Solve 3x + 4 = 19. \\boxed{\\frac{1}{2}}"
    assert tokenizer.decode(tokenizer.encode(text).ids) == text


def test_chat_template_renders_chatml_with_generation_prompt(tiny_model_dir):
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2+2?"}]
    rendered = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert rendered == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n"
    assert tokenizer.eos_token == "<|im_end|>"
