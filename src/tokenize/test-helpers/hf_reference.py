"""Reference tokenization by HuggingFace's Python libraries, for the TS parity tests.

Reads a JSON list of jobs on stdin, each {"directory", "texts": [str], "chats": [chat], "id_chats": [chat],
"decodes": [[int]]} with chat = {"messages", "add_generation_prompt", "variables"}, and prints a JSON list
of answers: ids from `tokenizers` (Rust) and from transformers' AutoTokenizer, `apply_chat_template`'s
rendering of `chats` and ids of `id_chats`, and decoded texts.
One process serves every tokenizer and the whole corpus.
"""

import json
import sys
from pathlib import Path

from tokenizers import Tokenizer
from transformers import AutoTokenizer


def chat_ids(tokenizer, chat: dict) -> list[int]:
    encoded = tokenizer.apply_chat_template(
        chat["messages"], tokenize=True, add_generation_prompt=chat["add_generation_prompt"], **chat["variables"]
    )
    if hasattr(encoded, "keys"):  # transformers 5 returns a BatchEncoding
        encoded = encoded["input_ids"]
    return list(encoded)


def render(tokenizer, chat: dict) -> str:
    return tokenizer.apply_chat_template(
        chat["messages"], tokenize=False, add_generation_prompt=chat["add_generation_prompt"], **chat["variables"]
    )


def answer(request: dict) -> dict:
    directory = Path(request["directory"])
    rust = Tokenizer.from_file(str(directory / "tokenizer.json"))
    auto = AutoTokenizer.from_pretrained(str(directory))
    texts = request["texts"]
    return {
        "tokenizers_ids": [encoding.ids for encoding in rust.encode_batch(texts)],
        "transformers_ids": [auto.encode(text) for text in texts],
        "rendered": [render(auto, chat) for chat in request["chats"]],
        "chat_ids": [chat_ids(auto, chat) for chat in request["id_chats"]],
        "decoded": [auto.decode(ids) for ids in request["decodes"]],
        "decoded_skipping_special": [auto.decode(ids, skip_special_tokens=True) for ids in request["decodes"]],
        "eos_token_id": auto.eos_token_id,
        "vocab_size": len(auto),
    }


def main() -> None:
    json.dump([answer(job) for job in json.load(sys.stdin)], sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
