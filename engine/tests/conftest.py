"""Shared fixtures: one tiny model per session, engines on it served in-process through TestClient."""

from pathlib import Path

import pytest
import torch
from fastapi.testclient import TestClient

from boxed_engine.engine import Engine, EngineOptions
from boxed_engine.init_model import init_model
from boxed_engine.server import create_app


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("tiny")
    init_model(directory, "tiny", seed=0)
    return directory


def make_client(model_dir: Path, **options) -> TestClient:
    torch.set_num_threads(1)
    engine = Engine(EngineOptions(model=model_dir, **options))
    return TestClient(create_app(engine), raise_server_exceptions=False)


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
