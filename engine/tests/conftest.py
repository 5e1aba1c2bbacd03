"""Shared fixtures: one tiny model per session, engines on it served in-process through TestClient, each behind
a bearer token (the client sends it) with the session's temporary folder as its state directory."""

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

import pytest
import torch
import uvicorn
from fastapi.testclient import TestClient

from boxed_engine.engine import Engine, EngineOptions
from boxed_engine.init_model import init_model
from boxed_engine.limits import Limits
from boxed_engine.server import create_app

TOKEN = "test-token-0123456789abcdef"


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("tiny")
    init_model(directory, "tiny", seed=0)
    return directory


def make_app(model_dir: Path, limits: Limits | None = None, **options):
    torch.set_num_threads(1)
    engine = Engine(EngineOptions(model=model_dir, **options))
    limits = limits or Limits(state_dirs=(model_dir.parent,))  # pytest's base temp folder: every tmp_path lies inside
    return create_app(engine, token=TOKEN, limits=limits)


def make_client(model_dir: Path, limits: Limits | None = None, **options) -> TestClient:
    app = make_app(model_dir, limits, **options)
    return TestClient(app, raise_server_exceptions=False, headers={"authorization": f"Bearer {TOKEN}"})


@contextmanager
def live_server(app):
    """`app` behind a real uvicorn server on a free loopback port (disconnects need a real socket); yields an
    httpx client that sends the token."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        with httpx.Client(base_url=url, timeout=60, headers={"authorization": f"Bearer {TOKEN}"}) as http:
            yield http
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def client(tiny_model_dir) -> TestClient:
    """A full fine-tuning engine with a frozen reference copy (fresh per test module)."""
    return make_client(tiny_model_dir, reference="copy")


@pytest.fixture(scope="module")
def lora_client(tiny_model_dir) -> TestClient:
    return make_client(tiny_model_dir, lora_rank=4, lora_alpha=8.0, lora_targets=("q_proj", "v_proj"))


def post(client: TestClient, path: str, body: dict) -> dict:
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def engine_of(client: TestClient) -> Engine:
    return client.app.state.engine
