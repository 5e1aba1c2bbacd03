"""The state continuous batching works on: a request (`Job`) and the running rows (`Batch`) with their KV cache,
merged and trimmed as rows join and leave (scheduler.py drives them)."""

import threading
from collections import deque
from dataclasses import dataclass, field

import torch
from transformers import DynamicCache

from boxed_engine.sampling import SampledSequence, SamplingOptions, StepListener, StopChecker


@dataclass(eq=False)
class Job:
    """One request: `prompts` × `samples` rows; row r is prompt r // samples, sample r % samples."""
    prompts: list[list[int]]
    samples: int
    options: SamplingOptions
    stop_ids: set[int]  # ids that stop a row (eos unless ignore_eos, plus the request's stop_token_ids)
    generator: torch.Generator
    stop_checker: StopChecker | None = None
    on_step: StepListener | None = None
    started: bool = False
    error: Exception | None = None

    def __post_init__(self):
        self.sequences = [SampledSequence() for _ in range(len(self.prompts) * self.samples)]
        self.waiting = deque((index, 0, self.samples) for index in range(len(self.prompts)))  # (prompt, first, count)
        self.finished: set[int] = set()
        self.done = threading.Event()
        self.width = max(len(prompt) for prompt in self.prompts) + self.options.max_tokens

    def is_finished(self, row: int) -> bool:
        return row in self.finished

    def finish(self, row: int, reason: str) -> None:
        self.sequences[row].stop_reason = reason
        self.finished.add(row)

    def settle(self) -> None:
        """Wakes the caller once every row is finished (after the step's listener saw them)."""
        if len(self.finished) == len(self.sequences):
            self.done.set()

    def cancel(self) -> None:
        """Every unfinished row, running or waiting, ends with stop_reason "cancelled"."""
        self.waiting.clear()
        for row in range(len(self.sequences)):
            if row not in self.finished:
                self.finish(row, "cancelled")
        self.settle()

    def record(self, rows: list[int], chosen_R: torch.Tensor, logprobs_R_V: torch.Tensor) -> None:
        """Appends this step's token (its log-prob and top alternatives) to each row; marks rows that stop."""
        tokens, logprobs = chosen_R.tolist(), logprobs_R_V.gather(-1, chosen_R.unsqueeze(-1)).squeeze(-1).tolist()
        alternatives = None
        if self.options.top_logprobs > 0:
            top = torch.topk(logprobs_R_V, self.options.top_logprobs, dim=-1)
            alternatives = [list(zip(i, v, strict=True)) for i, v in zip(top.indices.tolist(), top.values.tolist(), strict=True)]
        for k, row in enumerate(rows):
            sequence = self.sequences[row]
            sequence.tokens.append(tokens[k])
            sequence.logprobs.append(logprobs[k])
            if alternatives is not None:
                sequence.top_logprobs.append(alternatives[k])
            if tokens[k] in self.stop_ids or (self.stop_checker is not None and self.stop_checker(row, sequence)):
                self.finish(row, "stop")
            elif len(sequence.tokens) >= self.options.max_tokens:
                self.finish(row, "length")


@dataclass
class Batch:
    """The running rows: their KV cache, attention mask, next positions, next-token logits and owners."""
    cache: DynamicCache
    mask_B_L: torch.Tensor
    positions_B_1: torch.Tensor
    logits_B_V: torch.Tensor
    owners: list[tuple[Job, int] | None]  # batch position → (job, row); None: finished, not yet dropped
    widths: list[int]  # each row's prompt length + max_tokens (for the budget)


def left_pad(tensor: torch.Tensor, columns: int, dim: int) -> torch.Tensor:
    if columns == 0:
        return tensor
    shape = list(tensor.shape)
    shape[dim] = columns
    return torch.cat([tensor.new_zeros(shape), tensor], dim=dim)


def merge(old: Batch, new: Batch) -> Batch:
    """Both batches' rows in one: caches and masks left-padded to the longer one (B, H, L, D per layer)."""
    length = max(old.mask_B_L.shape[1], new.mask_B_L.shape[1])
    for old_layer, new_layer in zip(old.cache.layers, new.cache.layers, strict=True):
        for name in ("keys", "values"):
            a, b = getattr(old_layer, name), getattr(new_layer, name)
            setattr(old_layer, name, torch.cat([left_pad(a, length - a.shape[-2], -2),
                                                left_pad(b, length - b.shape[-2], -2)], dim=0))
    mask_B_L = torch.cat([left_pad(old.mask_B_L, length - old.mask_B_L.shape[1], 1),
                          left_pad(new.mask_B_L, length - new.mask_B_L.shape[1], 1)], dim=0)
    return Batch(old.cache, mask_B_L, torch.cat([old.positions_B_1, new.positions_B_1]),
                 torch.cat([old.logits_B_V, new.logits_B_V]), old.owners + new.owners, old.widths + new.widths)


def select(batch: Batch, keep: list[int]) -> Batch:
    """Only the rows at `keep`; columns that are padding in every remaining row are dropped."""
    index_K = torch.tensor(keep, device=batch.mask_B_L.device)
    batch.cache.batch_select_indices(index_K)
    mask_K_L = batch.mask_B_L[index_K]
    empty = int((mask_K_L.sum(0) == 0).long().cumprod(0).sum())  # leading all-padding columns
    if empty:
        for layer in batch.cache.layers:
            layer.keys, layer.values = layer.keys[..., empty:, :], layer.values[..., empty:, :]
        mask_K_L = mask_K_L[:, empty:]
    return Batch(batch.cache, mask_K_L, batch.positions_B_1[index_K], batch.logits_B_V[index_K],
                 [batch.owners[i] for i in keep], [batch.widths[i] for i in keep])
