"""The official `openai` Python SDK against the engine, with vLLM's extra parameters (names and semantics from
vllm/entrypoints/openai/protocol.py): unknown fields accepted, echo + max_tokens 0 scoring equal to /logprobs,
prompt_logprobs, return_tokens_as_token_ids, min_tokens, stop_token_ids, ignore_eos, include_stop_str_in_output,
skip_special_tokens, repetition_penalty, min_p, top_k, served names and a 404 for any other model."""

import openai
import pytest

from conftest import TOKEN, live_server, make_app

PROMPT = "Compute 12 + 7."


@pytest.fixture(scope="module")
def sdk(tiny_model_dir):
    app = make_app(tiny_model_dir)
    with live_server(app) as http:
        yield openai.OpenAI(base_url=f"{http.base_url}/v1", api_key=TOKEN, max_retries=0), http, app


def greedy(sdk_client, **extra):
    return sdk_client.completions.create(model="tiny0", prompt=PROMPT, max_tokens=8, temperature=0, extra_body=extra)


def test_models_and_a_wrong_model_is_a_404(sdk):
    client, _, _ = sdk
    assert [model.id for model in client.models.list().data] == ["tiny0"]
    with pytest.raises(openai.NotFoundError, match="does not exist"):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}], max_tokens=2)
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=str(client.base_url), api_key="wrong-token-0123456789", max_retries=0).models.list()


def test_unknown_fields_are_accepted(sdk):
    client, _, _ = sdk
    result = client.chat.completions.create(
        model="tiny0", messages=[{"role": "user", "content": "What is 2 + 3?", "name": "ada"}], max_tokens=4,
        presence_penalty=0, frequency_penalty=0, logit_bias={"5": 0.0}, response_format={"type": "text"},
        tools=[{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
        extra_body={"no_such_field": 1, "guided_json": None})
    assert result.choices[0].message.role == "assistant"


def test_echo_with_max_tokens_zero_scores_the_prompt_like_logprobs(sdk):
    client, http, _ = sdk
    result = client.completions.create(model="tiny0", prompt=PROMPT, max_tokens=0, echo=True, logprobs=1,
                                       extra_body={"return_tokens_as_token_ids": True})
    choice = result.choices[0]
    ids = [int(token.removeprefix("token_id:")) for token in choice.logprobs.tokens]
    assert choice.text == PROMPT and choice.logprobs.token_logprobs[0] is None and len(ids) > 3
    scored = http.post("/logprobs", json={"data": [{"tokens": ids[:-1], "target_tokens": ids[1:]}]}).json()["logprobs"][0]
    assert max(abs(a - b) for a, b in zip(choice.logprobs.token_logprobs[1:], scored, strict=True)) < 1e-5
    assert result.usage.completion_tokens == 0 and result.usage.total_tokens == len(ids)
    with_prompt = client.completions.create(model="tiny0", prompt=ids, max_tokens=1, extra_body={"prompt_logprobs": 2})
    entries = with_prompt.model_extra.get("prompt_logprobs") or with_prompt.choices[0].model_extra["prompt_logprobs"]
    assert entries[0] is None and all(str(ids[k]) in entries[k] for k in range(1, len(ids)))
    assert abs(entries[1][str(ids[1])]["logprob"] - scored[0]) < 1e-5


def test_stop_controls(sdk):
    client, _, _ = sdk
    base = greedy(client, ignore_eos=True, return_tokens_as_token_ids=True, logprobs=0)
    full = client.completions.create(model="tiny0", prompt=PROMPT, max_tokens=8, temperature=0, logprobs=0,
                                     extra_body={"ignore_eos": True, "return_tokens_as_token_ids": True})
    tokens = [int(t.removeprefix("token_id:")) for t in full.choices[0].logprobs.tokens]
    assert len(tokens) == 8 and full.choices[0].finish_reason == "length"
    assert base.choices[0].text == full.choices[0].text
    stop_id = tokens[3]
    stopped = client.completions.create(model="tiny0", prompt=PROMPT, max_tokens=8, temperature=0, logprobs=0,
                                        extra_body={"ignore_eos": True, "stop_token_ids": [stop_id],
                                                    "return_tokens_as_token_ids": True})
    cut = [int(t.removeprefix("token_id:")) for t in stopped.choices[0].logprobs.tokens]
    assert stopped.choices[0].finish_reason == "stop" and cut == tokens[: tokens.index(stop_id) + 1]
    text = full.choices[0].text
    stop = text[2:4]
    kept = greedy(client, ignore_eos=True, stop=[stop], include_stop_str_in_output=True).choices[0].text
    assert kept == text[: text.find(stop) + len(stop)]
    at_least = client.completions.create(model="tiny0", prompt=PROMPT, max_tokens=6, temperature=1, seed=0, n=8,
                                         extra_body={"min_tokens": 6})
    assert all(choice.finish_reason == "length" for choice in at_least.choices)
    assert at_least.usage.completion_tokens == 48


def test_skip_special_tokens(sdk):
    client, _, app = sdk
    eos = sorted(app.state.engine.stop_ids)[0]
    ids = app.state.engine.tokenizer.encode("hi", add_special_tokens=False).ids + [eos]
    shown = client.completions.create(model="tiny0", prompt=ids, max_tokens=0, echo=True,
                                      extra_body={"skip_special_tokens": False}).choices[0].text
    hidden = client.completions.create(model="tiny0", prompt=ids, max_tokens=0, echo=True).choices[0].text
    assert shown.startswith(hidden) and len(shown) > len(hidden)


def test_filters_top_k_min_p_and_repetition_penalty(sdk):
    client, _, _ = sdk
    greedy_text = greedy(client, ignore_eos=True).choices[0].text
    sampled = dict(model="tiny0", prompt=PROMPT, max_tokens=8, temperature=1.0, seed=5)
    assert client.completions.create(**sampled, extra_body={"top_k": 1, "ignore_eos": True}).choices[0].text == greedy_text
    assert client.completions.create(**sampled, extra_body={"min_p": 1.0, "ignore_eos": True}).choices[0].text == greedy_text
    penalized = greedy(client, ignore_eos=True, repetition_penalty=50.0, return_tokens_as_token_ids=True, logprobs=0)
    tokens = penalized.choices[0].logprobs.tokens
    assert penalized.choices[0].text != greedy_text and len(set(tokens)) == len(tokens)  # no token twice


def test_usage_counts_the_prompt_once_for_n_samples(sdk):
    client, _, _ = sdk
    result = client.chat.completions.create(model="tiny0", messages=[{"role": "user", "content": "hi"}], n=3,
                                            max_tokens=4, seed=1)
    usage = result.usage
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens and len(result.choices) == 3
