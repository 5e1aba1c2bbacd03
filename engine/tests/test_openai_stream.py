"""`stream: true` on the OpenAI routes: chunks reassemble to the non-streamed answer (same seed), logprobs and
usage ride along, a client that disconnects stops the decode loop, and training calls run beside a stream."""

import json
import threading
import time

import httpx
import pytest
from conftest import live_server, make_app, post

CHAT = {"messages": [{"role": "user", "content": "What is 2 + 3?"}], "max_tokens": 40, "temperature": 1.0, "seed": 7}


def events(lines) -> list[dict]:
    """The JSON payloads of a server-sent event stream, which must end with `data: [DONE]`."""
    payloads = [line[len("data: "):] for line in lines if line.startswith("data: ")]
    assert payloads[-1] == "[DONE]"
    return [json.loads(payload) for payload in payloads[:-1]]


def stream(client, path: str, body: dict) -> list[dict]:
    with client.stream("POST", path, json={**body, "stream": True}) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        return events(response.iter_lines())


def test_chat_chunks_reassemble_to_the_non_streamed_answer(client):
    body = {**CHAT, "n": 2, "logprobs": True, "top_logprobs": 3}
    whole = post(client, "/v1/chat/completions", body)
    chunks = stream(client, "/v1/chat/completions", {**body, "stream_options": {"include_usage": True}})
    assert all(chunk["object"] == "chat.completion.chunk" for chunk in chunks)
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"] == whole["usage"]
    for index, choice in enumerate(whole["choices"]):
        mine = [c["choices"][0] for c in chunks if c["choices"] and c["choices"][0]["index"] == index]
        assert mine[0]["delta"]["role"] == "assistant"
        assert "".join(c["delta"].get("content") or "" for c in mine) == choice["message"]["content"]
        steps = [step for c in mine if c["logprobs"] for step in c["logprobs"]["content"]]
        assert steps == choice["logprobs"]["content"]  # one entry per token, with its top_logprobs
        assert mine[-1]["finish_reason"] == choice["finish_reason"]
        assert all(c["finish_reason"] is None for c in mine[:-1])


def test_completion_chunks_with_stop_strings_match_the_non_streamed_answer(client):
    body = {"prompt": "Compute 12 + 7.", "max_tokens": 60, "n": 3, "seed": 3, "logprobs": 1, "stop": ["e", "1"]}
    whole = post(client, "/v1/completions", body)
    chunks = stream(client, "/v1/completions", body)
    assert "usage" not in chunks[-1]  # only with stream_options.include_usage
    for index, choice in enumerate(whole["choices"]):
        mine = [c["choices"][0] for c in chunks if c["choices"][0]["index"] == index]
        assert "".join(c["text"] for c in mine) == choice["text"]
        assert [t for c in mine if c["logprobs"] for t in c["logprobs"]["token_logprobs"]] == choice["logprobs"]["token_logprobs"]
        assert mine[-1]["finish_reason"] == choice["finish_reason"]


def test_streamed_tokens_are_counted_in_info(client):
    before = client.get("/info").json()["generated_tokens"]
    chunks = stream(client, "/v1/completions", {"prompt": "hi", "max_tokens": 5, "stream_options": {"include_usage": True}})
    assert client.get("/info").json()["generated_tokens"] - before == chunks[-1]["usage"]["completion_tokens"]


@pytest.fixture(scope="module")
def server(tiny_model_dir):
    """The engine behind a real uvicorn server (disconnects need a real socket)."""
    app = make_app(tiny_model_dir)
    with live_server(app) as http:
        yield http, app


def settled_count(http: httpx.Client) -> int:
    """/info's generated_tokens once it has stopped changing for 0.3 s."""
    last, same_since = http.get("/info").json()["generated_tokens"], time.monotonic()
    while time.monotonic() - same_since < 0.3:
        time.sleep(0.05)
        now = http.get("/info").json()["generated_tokens"]
        if now != last:
            last, same_since = now, time.monotonic()
    return last


def test_disconnect_stops_the_decode_loop(server):
    http, _ = server
    rows, max_tokens = 16, 900
    body = {**CHAT, "n": rows, "max_tokens": max_tokens}
    full = http.post("/v1/chat/completions", json=body).json()["usage"]["completion_tokens"]  # not cancelled
    before = settled_count(http)
    started = time.monotonic()
    with http.stream("POST", "/v1/chat/completions", json={**body, "stream": True}) as response:
        received = 0
        for line in response.iter_lines():
            received += line.startswith("data: ") and '"content":"' in line and '"role"' not in line
            if received >= 3 * rows:  # about three steps, then hang up
                break
    closed = time.monotonic() - started
    decoded = settled_count(http) - before
    print(f"hung up after {closed:.3f} s: {decoded} tokens ({decoded / rows:.0f} steps) decoded, {full} uncancelled")
    assert decoded < full / 4


def test_training_calls_run_beside_streams(server):
    http, app = server
    datum = {"tokens": [1, 5, 6], "target_tokens": [5, 6, 7], "weights": [1.0, 1.0, 1.0]}
    results = []

    def streamer():
        with http.stream("POST", "/v1/chat/completions", json={**CHAT, "n": 4, "max_tokens": 200, "stream": True}) as r:
            results.append(events(r.iter_lines()))

    threads = [threading.Thread(target=streamer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for _ in range(3):
        assert http.post("/forward_backward", json={"data": [datum]}).status_code == 200
        assert http.post("/optim_step", json={"adam_params": {"learning_rate": 1e-3}}).status_code == 200
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2 and all(any(c["choices"][0]["finish_reason"] for c in chunks) for chunks in results)
    assert app.state.engine.step == 3
