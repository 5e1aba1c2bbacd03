"""The real process: ready line on stdout with --port 0, bearer token, exit when stdin closes."""

import json
import subprocess
import sys
import time

import httpx


def start(model_dir, *extra: str) -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen(
        [sys.executable, "-m", "boxed_engine", "--model", str(model_dir), "--port", "0", "--threads", "1", *extra],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    ready = json.loads(process.stdout.readline())
    return process, ready


def test_ready_line_token_and_exit_with_parent(tiny_model_dir):
    process, ready = start(tiny_model_dir, "--token", "secret", "--exit-with-parent")
    try:
        assert ready["event"] == "ready" and ready["protocol"] == 1 and ready["host"] == "127.0.0.1" and ready["port"] > 0
        base = f"http://127.0.0.1:{ready['port']}"
        assert httpx.get(f"{base}/health").status_code == 401
        assert httpx.get(f"{base}/health", headers={"Authorization": "Bearer wrong"}).status_code == 401
        response = httpx.get(f"{base}/health", headers={"Authorization": "Bearer secret"})
        assert response.json() == {"status": "ok", "protocol": 1}
        process.stdin.close()  # the parent goes away
        deadline = time.time() + 15
        while process.poll() is None and time.time() < deadline:
            time.sleep(0.1)
        assert process.poll() is not None, "engine outlived its parent's stdin"
    finally:
        if process.poll() is None:
            process.kill()


def test_missing_model_directory_is_a_usage_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "boxed_engine", "--model", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 2 and "config.json" in result.stderr
