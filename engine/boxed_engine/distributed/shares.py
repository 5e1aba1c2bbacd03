"""Splitting a request's items (sequences, prompts) over ranks and putting the answers back in request order."""

import math

from boxed_engine.batching import micro_batches


def balance(costs: list[int], ranks: int) -> list[list[int]]:
    """Longest-processing-time first (Graham 1969): items by decreasing cost, each to the least-loaded rank
    (ties: the lower rank); each share then lists its indices in request order."""
    loads, shares = [0] * ranks, [[] for _ in range(ranks)]
    for index in sorted(range(len(costs)), key=lambda i: (-costs[i], i)):
        rank = min(range(ranks), key=lambda r: (loads[r], r))
        loads[rank] += costs[index]
        shares[rank].append(index)
    return [sorted(share) for share in shares]


def filler_counts(lengths: list[int], shares: list[list[int]], token_budget: int) -> list[int]:
    """FSDP2 runs collectives in every forward and backward, so every rank must run as many micro-batches:
    a rank with fewer adds one-token zero-weight fillers, each its own micro-batch (zero gradient)."""
    groups = [len(micro_batches([lengths[i] for i in share], token_budget)) for share in shares]
    return [max(groups) - count for count in groups]


def list_fields(body) -> dict[str, list]:
    """A request's top-level lists hold one entry per item (data, prompts, weights rows, entropy_weights rows)."""
    return {name: value for name, value in body if isinstance(value, list)}


def take(body, share: list[int], extra: dict[str, list] | None = None):
    """The body restricted to `share`'s items, each per-item list extended by `extra[name]`."""
    extra = extra or {}
    update = {name: [value[i] for i in share] + extra.get(name, []) for name, value in list_fields(body).items()}
    return body.model_copy(update=update)


def filler_datum(example, pad_id: int):
    """A one-token datum shaped like `example`: pad ids for tokens/targets, 0 for every per-token number."""
    length = len(example.tokens)
    update = {}
    for name, value in example:
        if isinstance(value, list) and len(value) == length:
            update[name] = [pad_id] if name in ("tokens", "target_tokens") else [0.0]
    return example.model_copy(update=update)


def strip_fillers(result: dict, kept: int, fillers: int) -> dict:
    """A rank's answer without its fillers' entries (each filler counted one token)."""
    stripped = {}
    for name, value in result.items():
        if isinstance(value, list):
            stripped[name] = value[:kept]
        elif name == "tokens" and isinstance(value, int):
            stripped[name] = value - fillers
        else:
            stripped[name] = value
    return stripped


def merge(results: list[dict | None], shares: list[list[int]], total: int) -> dict:
    """Per-item lists reassembled in request order, numbers (loss, tokens) summed, anything else rank 0's."""
    present = [(result, share) for result, share in zip(results, shares, strict=True) if result is not None]
    merged: dict = {}
    for name, value in present[0][0].items():
        if isinstance(value, list):
            items = [None] * total
            for result, share in present:
                for index, item in zip(share, result[name], strict=True):
                    items[index] = item
            merged[name] = items
        elif isinstance(value, float):
            merged[name] = math.fsum(result[name] for result, _ in present)
        elif isinstance(value, int) and not isinstance(value, bool):
            merged[name] = sum(result[name] for result, _ in present)
        else:
            merged[name] = value
    return merged
