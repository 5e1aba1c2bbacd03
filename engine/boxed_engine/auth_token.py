"""Where the engine's bearer token comes from — never the command line (`/proc/PID/cmdline` is world-readable):

1. `BOXED_ENGINE_TOKEN` in the environment (how `startEngine` passes it);
2. `--token-file PATH`: read from it when it exists, else generated and written there;
3. otherwise generated and written to `<state dir>/engine-token`.
A generated token is written with mode 0600 and printed once on stderr. `--no-auth` serves without one, on a
loopback address only.
"""

import ipaddress
import os
import secrets
import socket
import sys
from pathlib import Path

ENVIRONMENT_VARIABLE = "BOXED_ENGINE_TOKEN"
MIN_TOKEN_CHARS = 16


class TokenError(ValueError):
    """A usage error: the CLI reports it and exits with status 2."""


def is_loopback(host: str) -> bool:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as error:
        raise TokenError(f"--host {host}: cannot resolve it ({error})") from None
    return all(ipaddress.ip_address(address.split("%")[0]).is_loopback for address in addresses)


def resolve_token(*, no_auth: bool, token_file: Path | None, state_dir: Path, host: str) -> str | None:
    if no_auth:
        if not is_loopback(host):
            raise TokenError(f"--no-auth is allowed on a loopback address only, not --host {host}")
        return None
    from_environment = os.environ.get(ENVIRONMENT_VARIABLE)
    if from_environment is not None:
        return checked(from_environment.strip(), ENVIRONMENT_VARIABLE)
    path = token_file or state_dir / "engine-token"
    if token_file is not None and token_file.exists():
        return checked(token_file.read_text(encoding="utf-8").strip(), f"--token-file {token_file}")
    return generated(path)


def checked(token: str, source: str) -> str:
    if len(token) < MIN_TOKEN_CHARS or any(character.isspace() for character in token):
        raise TokenError(f"{source}: a token needs at least {MIN_TOKEN_CHARS} characters and no whitespace")
    return token


def generated(path: Path) -> str:
    """A 256-bit token, written to `path` readable by this user only (created 0600, never widened)."""
    token = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(token + "\n")
    print(f"boxed_engine: generated bearer token {token} (saved in {path}, mode 0600)", file=sys.stderr, flush=True)
    return token
