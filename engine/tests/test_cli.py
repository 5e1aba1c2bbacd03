"""The real process: ready line on stdout with --port 0, the bearer token (environment, file, generated; never
argv), --no-auth on loopback only, exit when stdin closes."""

import json
import os
import stat
import subprocess
import sys
import time

import httpx
import pytest

TOKEN = "cli-test-token-0123456789"


def start(model_dir, *extra: str, env: dict | None = None) -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen(
        [sys.executable, "-m", "boxed_engine", "--model", str(model_dir), "--port", "0", "--threads", "1", *extra],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})},
    )
    ready = json.loads(process.stdout.readline())
    return process, ready


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()


def test_ready_line_token_from_environment_and_exit_with_parent(tiny_model_dir, tmp_path):
    process, ready = start(tiny_model_dir, "--exit-with-parent", "--state-dir", str(tmp_path),
                           env={"BOXED_ENGINE_TOKEN": TOKEN})
    try:
        assert ready["event"] == "ready" and ready["protocol"] == 2 and ready["host"] == "127.0.0.1" and ready["port"] > 0
        base = f"http://127.0.0.1:{ready['port']}"
        assert httpx.get(f"{base}/health").status_code == 401
        assert httpx.get(f"{base}/health", headers={"Authorization": "Bearer wrong"}).status_code == 401
        response = httpx.get(f"{base}/health", headers={"Authorization": f"bEaReR {TOKEN}"})  # scheme: any case
        assert response.json() == {"status": "ok", "protocol": 2}
        process.stdin.close()  # the parent goes away
        deadline = time.time() + 15
        while process.poll() is None and time.time() < deadline:
            time.sleep(0.1)
        assert process.poll() is not None, "engine outlived its parent's stdin"
    finally:
        stop(process)


def test_generated_token_is_written_0600_and_printed_once(tiny_model_dir, tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "BOXED_ENGINE_TOKEN"}
    process = subprocess.Popen(
        [sys.executable, "-m", "boxed_engine", "--model", str(tiny_model_dir), "--port", "0", "--threads", "1",
         "--state-dir", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        ready = json.loads(process.stdout.readline())
        token_file = tmp_path / "engine-token"
        token = token_file.read_text().strip()
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600 and len(token) >= 32
        assert token not in " ".join(process.args)
        response = httpx.get(f"http://127.0.0.1:{ready['port']}/info", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
    finally:
        stop(process)
    assert process.stderr.read().count(token) == 1


@pytest.mark.parametrize(("arguments", "message"), [
    (["--token", "a-secret-on-the-command-line"], "BOXED_ENGINE_TOKEN"),
    (["--no-auth", "--host", "0.0.0.0"], "loopback"),
    (["--max-rows", "0"], "--max-rows must be at least 1"),
])
def test_unsafe_or_bad_options_are_usage_errors(tiny_model_dir, arguments, message):
    result = subprocess.run([sys.executable, "-m", "boxed_engine", "--model", str(tiny_model_dir), *arguments],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_missing_model_directory_is_a_usage_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "boxed_engine", "--model", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 2 and "config.json" in result.stderr
