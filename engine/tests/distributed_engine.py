"""Real engine processes for the distributed tests: plain `python -m boxed_engine`, or under torchrun
(one node with N ranks, or several simulated nodes on 127.0.0.1), spoken to over HTTP."""

import json
import os
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

ENGINE_DIRECTORY = Path(__file__).resolve().parents[1]
READY_TIMEOUT_S = 240
TOKEN = "distributed-test-token-0123456789"  # the engine requires a bearer token (BOXED_ENGINE_TOKEN)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment() -> dict:
    variables = dict(os.environ, OMP_NUM_THREADS="1", BOXED_ENGINE_TOKEN=TOKEN)
    variables["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ENGINE_DIRECTORY), os.environ.get("PYTHONPATH")]))
    return variables


class EngineProcess:
    """One engine job: its processes (one per simulated node) and rank 0's URL once it is ready."""

    def __init__(self, model: Path, engine_arguments: list[str], processes: int | None = None, nodes: int = 1):
        arguments = ["-m", "boxed_engine", "--model", str(model), "--port", "0", "--threads", "1",
                     "--state-dir", str(model.parent), *engine_arguments]  # pytest's base temp: every tmp_path
        if processes is None:
            commands = [[sys.executable, *arguments]]
        else:
            port = free_port()
            commands = [[sys.executable, "-m", "torch.distributed.run", "--nnodes", str(nodes), "--node-rank", str(node),
                         "--nproc-per-node", str(processes), "--master-addr", "127.0.0.1", "--master-port", str(port),
                         *arguments] for node in range(nodes)]
        self.processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment(),
                                           start_new_session=True) for command in commands]
        self.stderr: list[list[str]] = [[] for _ in self.processes]
        for index, process in enumerate(self.processes):
            threading.Thread(target=self.drain, args=(process, index), daemon=True).start()
        self.url = self.wait_ready()

    def drain(self, process: subprocess.Popen, index: int) -> None:
        for line in process.stderr:
            self.stderr[index].append(line.decode(errors="replace"))

    def wait_ready(self) -> str:
        """Rank 0 (on node 0) prints the ready line."""
        result: list[str] = []

        def read() -> None:
            for line in self.processes[0].stdout:
                if line.startswith(b"{"):
                    event = json.loads(line)
                    if event.get("event") == "ready":
                        result.append(f"http://{event['host']}:{event['port']}")
                        return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(READY_TIMEOUT_S)
        if not result:
            self.stop()
            raise RuntimeError("engine never became ready:\n" + "".join(self.stderr[0][-40:]))
        return result[0]

    def post(self, path: str, body: dict, timeout: float = 300) -> dict:
        status, payload = self.request(path, body, timeout)
        assert status == 200, f"{path}: {status} {payload}"
        return payload

    def request(self, path: str, body: dict | None = None, timeout: float = 300) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, headers={"content-type": "application/json", "authorization": f"Bearer {TOKEN}"},
                                         method="GET" if body is None else "POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, 15)
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()
