"""OpenAI-compatible API: shapes, n, stop strings, seed, logprobs, usage, finish_reason."""

from conftest import post

CHAT = {"messages": [{"role": "user", "content": "What is 2 + 3?"}], "max_tokens": 6}


def test_models_lists_the_served_model(client, tiny_model_dir):
    listing = client.get("/v1/models").json()
    assert listing["object"] == "list" and listing["data"][0]["id"] == tiny_model_dir.name


def test_completions_with_n_seed_logprobs_and_usage(client):
    body = {"prompt": "Compute 12 + 7.", "max_tokens": 5, "n": 3, "seed": 4, "logprobs": 2, "temperature": 0.8}
    result = post(client, "/v1/completions", body)
    assert result["object"] == "text_completion" and len(result["choices"]) == 3
    for index, choice in enumerate(result["choices"]):
        assert choice["index"] == index and choice["finish_reason"] in ("stop", "length")
        logprobs = choice["logprobs"]
        assert len(logprobs["tokens"]) == len(logprobs["token_logprobs"]) == len(logprobs["top_logprobs"])
        assert all(len(alternatives) <= 2 for alternatives in logprobs["top_logprobs"])
    usage = result["usage"]
    assert usage["completion_tokens"] == sum(len(c["logprobs"]["tokens"]) for c in result["choices"])
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]  # the prompt counts once
    assert [c["text"] for c in post(client, "/v1/completions", body)["choices"]] == [c["text"] for c in result["choices"]]


def test_chat_uses_the_template_and_reports_length(client):
    result = post(client, "/v1/chat/completions", {**CHAT, "temperature": 0, "logprobs": True, "top_logprobs": 3})
    choice = result["choices"][0]
    assert result["object"] == "chat.completion" and choice["message"]["role"] == "assistant"
    content = choice["logprobs"]["content"]
    assert len(content) == result["usage"]["completion_tokens"] and all(len(item["top_logprobs"]) == 3 for item in content)
    assert content[0]["logprob"] == max(item["logprob"] for item in content[0]["top_logprobs"])  # greedy
    assert result["usage"]["prompt_tokens"] > 10
    if choice["finish_reason"] == "length":
        assert result["usage"]["completion_tokens"] == 6


def test_stop_string_cuts_the_text(client):
    greedy = post(client, "/v1/completions", {"prompt": "Compute 12 + 7.", "max_tokens": 8, "temperature": 0})
    text = greedy["choices"][0]["text"]
    assert len(text) >= 3, text
    stop = text[1:3]
    cut = post(client, "/v1/completions", {"prompt": "Compute 12 + 7.", "max_tokens": 8, "temperature": 0, "stop": [stop]})
    choice = cut["choices"][0]
    assert choice["finish_reason"] == "stop" and choice["text"] == text[: text.find(stop)]


def test_chat_content_may_be_a_list_of_text_parts(client):
    parts = {**CHAT, "temperature": 0, "messages": [{"role": "user", "content": [{"type": "text", "text": "What is "},
                                                                                 {"type": "text", "text": "2 + 3?"}]}]}
    assert post(client, "/v1/chat/completions", parts)["choices"] == post(client, "/v1/chat/completions", {**CHAT, "temperature": 0})["choices"]


def test_return_token_ids_gives_each_choice_its_tokens(client):
    body = {"prompt": "Compute 12 + 7.", "max_tokens": 5, "n": 3, "seed": 4, "temperature": 0.8, "return_token_ids": True}
    result = post(client, "/v1/completions", body)
    lengths = [len(choice["token_ids"]) for choice in result["choices"]]
    assert sum(lengths) == result["usage"]["completion_tokens"] and all(0 < length <= 5 for length in lengths)
    chat = post(client, "/v1/chat/completions", {**CHAT, "n": 2, "seed": 1, "return_token_ids": True})
    assert sum(len(choice["token_ids"]) for choice in chat["choices"]) == chat["usage"]["completion_tokens"]
    assert "token_ids" not in post(client, "/v1/completions", {**body, "return_token_ids": False})["choices"][0]
