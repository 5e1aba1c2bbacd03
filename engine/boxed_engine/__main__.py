"""`python -m boxed_engine --model DIR [options]`: serve engine protocol v2 on loopback, behind a bearer token
(BOXED_ENGINE_TOKEN, --token-file, or generated: see auth_token.py).

When ready, prints one JSON line on stdout: {"event": "ready", "host": ..., "port": ..., "protocol": 1}.
`python -m boxed_engine --version` prints the version.
"""

import argparse
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path

from boxed_engine import PROTOCOL_VERSION, __version__
from boxed_engine.distributed.options import add_arguments as add_distributed_arguments
from boxed_engine.auth_token import TokenError, resolve_token
from boxed_engine.limits import Limits


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="boxed_engine", description=__doc__)
    parser.add_argument("--version", action="version", version=f"boxed_engine {__version__}")
    parser.add_argument("--model", type=Path, help="a local HF causal-LM directory")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:1, ...")
    parser.add_argument("--lora-rank", type=int, default=0, help="0 = full fine-tuning")
    parser.add_argument("--lora-alpha", type=float, default=16.0)
    parser.add_argument("--lora-targets", default="q_proj,v_proj")
    parser.add_argument("--reference", default="none", choices=["none", "copy"])
    parser.add_argument("--served-model-name", nargs="+", help="names of the model on the OpenAI routes "
                        "(default: the model folder's name); a request naming another is a 404, as in vLLM")
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--token-file", type=Path, help="file holding the bearer token (generated there if missing)")
    parser.add_argument("--no-auth", action="store_true", help="serve without a token (loopback addresses only)")
    parser.add_argument("--state-dir", type=Path, action="append",
                        help="save_state/load_state/export paths must lie inside it; repeatable (default ./engine-state)")
    parser.add_argument("--max-body-bytes", type=int, default=Limits.max_body_bytes)
    parser.add_argument("--max-rows", type=int, default=Limits.max_rows, help="prompts × samples per sampling request")
    parser.add_argument("--max-sampled-tokens", type=int, default=Limits.max_sampled_tokens,
                        help="prompts × samples × max_tokens per sampling request")
    parser.add_argument("--max-forward-tokens", type=int, default=Limits.max_forward_tokens,
                        help="tokens whose graphs /forward handles may keep for /backward")
    parser.add_argument("--token-budget", type=int, default=16384, help="padded tokens per forward micro-batch")
    parser.add_argument("--gradient-checkpointing", action="store_true",
                        help="recompute decoder layers in backward (less memory, ~1/3 more compute)")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch CPU threads (0 = auto: 1 for models under 20M parameters on CPU, else torch's default)")
    parser.add_argument("--exit-with-parent", action="store_true", help="exit when stdin reaches EOF")
    add_distributed_arguments(parser)
    arguments = parser.parse_args(argv)
    if arguments.token is not None:
        parser.error("--token: a token on the command line is readable by every user (/proc/PID/cmdline); "
                     "pass it in BOXED_ENGINE_TOKEN or --token-file")
    for name in ("max_body_bytes", "max_rows", "max_sampled_tokens", "max_forward_tokens"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    arguments.state_dir = arguments.state_dir or [Path("engine-state")]
    if arguments.model is None:
        parser.error("--model is required")
    if not (arguments.model / "config.json").exists():
        parser.error(f"--model: {arguments.model} has no config.json")
    return arguments


def watch_stdin(server) -> None:
    """Exit when the parent's end of our stdin closes (the parent died or stopped us)."""
    def watch() -> None:
        while sys.stdin.buffer.read(4096):
            pass
        server.should_exit = True
        time.sleep(3)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def announce_when_started(server, host: str, port: int) -> None:
    def wait() -> None:
        while not server.started:
            time.sleep(0.01)
        print(json.dumps({"event": "ready", "host": host, "port": port, "protocol": PROTOCOL_VERSION}), flush=True)

    threading.Thread(target=wait, name="announce", daemon=True).start()


SMALL_MODEL_PARAMETERS = 20_000_000


def cpu_threads(requested: int, engine) -> int:
    """`--threads 0` (auto): one thread for small models on CPU — their 128-wide matrices gain nothing from
    intra-op parallelism and lose a lot to thread contention (docs/engine.md) — else torch's default."""
    import torch

    if requested > 0:
        return requested
    small = engine.device.type == "cpu" and engine.info()["parameters"] < SMALL_MODEL_PARAMETERS
    return 1 if small else torch.get_num_threads()


def serve(arguments: argparse.Namespace, token: str | None) -> None:
    import torch
    import uvicorn

    from boxed_engine.distributed import launch as distributed
    from boxed_engine.engine import Engine, EngineOptions
    from boxed_engine.server import create_app

    world = distributed.start(arguments)  # under torchrun: the process group and this rank's device; else None
    options = EngineOptions(
        model=arguments.model, seed=arguments.seed, dtype=arguments.dtype, device=arguments.device,
        lora_rank=arguments.lora_rank, lora_alpha=arguments.lora_alpha,
        lora_targets=tuple(target.strip() for target in arguments.lora_targets.split(",") if target.strip()),
        reference=arguments.reference, token_budget=arguments.token_budget,
        gradient_checkpointing=arguments.gradient_checkpointing,
    )
    engine = Engine(distributed.engine_options(world, options))
    torch.set_num_threads(cpu_threads(arguments.threads, engine))
    limits = Limits(state_dirs=tuple(arguments.state_dir), max_body_bytes=arguments.max_body_bytes, max_rows=arguments.max_rows,
                    max_sampled_tokens=arguments.max_sampled_tokens, max_forward_tokens=arguments.max_forward_tokens)
    dispatch = distributed.distribute(world, engine, arguments)  # FSDP2 shards + the route hook; None in one process
    app = create_app(engine, token=token, limits=limits, served_names=arguments.served_model_name, dispatch=dispatch)
    if dispatch is not None:
        dispatch.guard(app)  # routes acting on one rank's weights answer 501
        if not world.is_server:
            return dispatch.serve_workers(arguments.exit_with_parent)  # ranks > 0 serve operations, not HTTP
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it: no Nagle stalls
    sock.bind((arguments.host, arguments.port))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    if arguments.exit_with_parent:
        watch_stdin(server)
    announce_when_started(server, arguments.host, port)
    server.run(sockets=[sock])


def main(argv: list[str] | None = None) -> None:
    arguments = parse_arguments(argv)
    if os.environ.get("RANK", "0") != "0":  # a torchrun worker rank serves no HTTP: only rank 0 holds the token
        return serve(arguments, None)
    try:
        token = resolve_token(no_auth=arguments.no_auth, token_file=arguments.token_file,
                              state_dir=arguments.state_dir[0], host=arguments.host)
    except (TokenError, OSError) as error:
        print(f"boxed_engine: error: {error}", file=sys.stderr)
        sys.exit(2)
    serve(arguments, token)


if __name__ == "__main__":
    main()
