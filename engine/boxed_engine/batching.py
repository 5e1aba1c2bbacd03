"""Validation, padding and token-budget micro-batching of protocol data (pure tensor helpers)."""

import math

import torch

from boxed_engine.errors import EngineError


def check_ids(ids: list[int], vocab_size: int, param: str) -> None:
    """Token ids must lie in [0, vocab_size)."""
    for position, token in enumerate(ids):
        if token < 0 or token >= vocab_size:
            raise EngineError(f"token id {token} at position {position} is outside the vocabulary [0, {vocab_size})", param=param)


def check_length(length: int, max_context: int, param: str) -> None:
    if length > max_context:
        raise EngineError(f"sequence of {length} tokens exceeds the model's context length {max_context}", param=param)


def check_data(data: list, vocab_size: int, max_context: int, weighted: bool = False) -> None:
    """Each datum: ids in vocabulary, aligned `tokens`/`target_tokens`(/`weights`), within the context."""
    for index, datum in enumerate(data):
        prefix = f"data[{index}]"
        if len(datum.target_tokens) != len(datum.tokens):
            raise EngineError(
                f"tokens has {len(datum.tokens)} ids but target_tokens has {len(datum.target_tokens)}; they must be aligned",
                param=f"{prefix}.target_tokens",
            )
        if weighted:
            check_weights(datum.weights, len(datum.tokens), f"{prefix}.weights")
        check_ids(datum.tokens, vocab_size, f"{prefix}.tokens")
        check_ids(datum.target_tokens, vocab_size, f"{prefix}.target_tokens")
        check_length(len(datum.tokens), max_context, f"{prefix}.tokens")


def check_weights(weights: list[float], length: int, param: str) -> None:
    if len(weights) != length:
        raise EngineError(f"weights has {len(weights)} values but the datum has {length} target tokens", param=param)
    if not all(math.isfinite(weight) for weight in weights):
        raise EngineError("weights must be finite numbers (no NaN or infinity)", param=param)


def pad_right(rows: list[list[int]], pad: float, dtype: torch.dtype) -> torch.Tensor:
    """(B, T_max) tensor of `rows`, right-padded with `pad`."""
    width = max(len(row) for row in rows)
    return torch.tensor([list(row) + [pad] * (width - len(row)) for row in rows], dtype=dtype)


def micro_batches(lengths: list[int], token_budget: int) -> list[list[int]]:
    """Groups indices so each group's padded size (rows × longest row) stays within `token_budget`.

    Indices are sorted by length first so rows of similar length share a group (less padding);
    a single row longer than the budget forms its own group.
    """
    order = sorted(range(len(lengths)), key=lambda index: lengths[index])
    groups: list[list[int]] = []
    current: list[int] = []
    for index in order:
        width = max(lengths[index], max((lengths[i] for i in current), default=0))
        if current and width * (len(current) + 1) > token_budget:
            groups.append(current)
            current = []
        current.append(index)
    if current:
        groups.append(current)
    return groups
