"""Per-request limits and the state directory every client-named path is confined to (docs/engine.md)."""

from dataclasses import dataclass
from pathlib import Path

from boxed_engine.errors import EngineError


@dataclass(frozen=True)
class Limits:
    state_dirs: tuple[Path, ...]  # save_state / load_state / export paths must resolve inside one of them
    max_body_bytes: int = 32 * 2**20
    max_rows: int = 4096  # prompts × samples of one sampling request
    max_sampled_tokens: int = 2**22  # rows × max_tokens of one sampling request
    max_forward_tokens: int = 2**16  # tokens whose graphs `/forward` handles may keep, all handles together

    def check_sampling(self, prompts: int, samples: int, max_tokens: int, param: str) -> None:
        """`prompts × samples ≤ max_rows` and `prompts × samples × max_tokens ≤ max_sampled_tokens`."""
        rows = prompts * samples
        if rows > self.max_rows:
            raise EngineError(f"{prompts} prompt(s) × {samples} sample(s) = {rows} rows exceeds the engine's limit of "
                              f"{self.max_rows} per request (--max-rows)", param=param)
        if rows * max_tokens > self.max_sampled_tokens:
            raise EngineError(f"{rows} rows × max_tokens {max_tokens} = {rows * max_tokens} tokens exceeds the engine's "
                              f"limit of {self.max_sampled_tokens} per request (--max-sampled-tokens)", param="max_tokens")


def confine(raw: str, state_dirs: tuple[Path, ...], model_dir: Path) -> Path:
    """The path a client named, resolved (symlinks and `..` included; a relative one against the first state
    directory); it must lie inside one of `state_dirs` and outside the served model's folder, else a 400."""
    roots = [state_dir.resolve() for state_dir in state_dirs]
    path = (roots[0] / raw).resolve()
    if not any(path == root or root in path.parents for root in roots):
        shown = ", ".join(str(root) for root in roots)
        raise EngineError(f"path {raw!r} resolves to {path}, outside the engine's state directories ({shown}; "
                          "--state-dir); pass a path inside one (relative paths are taken from the first)",
                          param="path")
    model = model_dir.resolve()
    if path == model or model in path.parents or path in model.parents:
        raise EngineError(f"path {raw!r} resolves to {path}, which contains or lies in the served model's folder",
                          param="path")
    return path
