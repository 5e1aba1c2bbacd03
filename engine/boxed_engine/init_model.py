"""`python -m boxed_engine.init_model --out DIR --preset tiny --seed 0`: a randomly initialised
Qwen2 causal LM in standard HF format (config.json, model.safetensors, generation_config.json,
tokenizer.json, tokenizer_config.json with a ChatML chat template). Same seed → identical files.
"""

import argparse
import json
from pathlib import Path

import torch
from transformers import Qwen2Config, Qwen2ForCausalLM
from transformers.utils import logging as transformers_logging

from boxed_engine.tokenizer_builder import write_tokenizer

# Architecture sizes per preset; the vocabulary comes from the trained tokenizer.
PRESETS: dict[str, dict[str, int]] = {
    # ≈0.4M parameters: the model the CPU RL demo trains.
    "tiny": {"hidden_size": 128, "intermediate_size": 256, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2},
    # ≈3M parameters.
    "small": {"hidden_size": 256, "intermediate_size": 768, "num_hidden_layers": 4,
              "num_attention_heads": 8, "num_key_value_heads": 4},
    # ≈100M parameters: the benchmark's large configuration.
    "medium": {"hidden_size": 768, "intermediate_size": 3072, "num_hidden_layers": 12,
               "num_attention_heads": 12, "num_key_value_heads": 4},
}
MAX_CONTEXT = 1024
TOKENIZER_VOCAB = 1024


def build_config(preset: str, vocab_size: int, special_ids: dict[str, int]) -> Qwen2Config:
    if preset not in PRESETS:
        raise ValueError(f"preset: unknown preset {preset!r}; known presets: {', '.join(PRESETS)}")
    return Qwen2Config(
        vocab_size=vocab_size,
        max_position_embeddings=MAX_CONTEXT,
        tie_word_embeddings=True,
        rope_theta=10000.0,
        rms_norm_eps=1e-6,
        initializer_range=0.02,
        use_sliding_window=False,
        bos_token_id=special_ids["<|endoftext|>"],
        eos_token_id=special_ids["<|im_end|>"],
        pad_token_id=special_ids["<|endoftext|>"],
        **PRESETS[preset],
    )


def init_model(out: Path, preset: str, seed: int) -> int:
    """Writes the model directory; returns the number of parameters."""
    transformers_logging.disable_progress_bar()
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = write_tokenizer(out, TOKENIZER_VOCAB, MAX_CONTEXT)
    special_ids = {token: tokenizer.token_to_id(token) for token in ("<|endoftext|>", "<|im_end|>")}
    config = build_config(preset, tokenizer.get_vocab_size(), special_ids)
    torch.manual_seed(seed)
    model = Qwen2ForCausalLM(config)
    model.generation_config.eos_token_id = [special_ids["<|im_end|>"], special_ids["<|endoftext|>"]]
    model.save_pretrained(out)
    (out / "boxed_model.json").write_text(json.dumps({"preset": preset, "seed": seed}) + "\n", encoding="utf-8")
    return sum(parameter.numel() for parameter in model.parameters())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="boxed_engine.init_model", description=__doc__)
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    parser.add_argument("--preset", default="tiny", choices=sorted(PRESETS))
    parser.add_argument("--seed", default=0, type=int)
    arguments = parser.parse_args(argv)
    parameters = init_model(arguments.out, arguments.preset, arguments.seed)
    summary = {"event": "model_written", "path": str(arguments.out), "preset": arguments.preset, "parameters": parameters}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
