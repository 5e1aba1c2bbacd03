"""Batched autoregressive sampling with a KV cache.

All prompts × samples decode together: prompts are left-padded, positions count real tokens only,
each step feeds one new token per row through the cache. The returned log-probs are those of the
tempered policy π_T, log softmax(z / T) (T > 0; z itself for greedy T = 0), before top-k / top-p: what a
trainer that divides its logits by T (verl, TRL, `/forward`'s `temperature`) computes for the same tokens. Nucleus (top-p) sampling: Holtzman et al.
2019, arXiv:1904.09751; top-k: Fan et al. 2018, arXiv:1805.04833.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from transformers import DynamicCache


@dataclass
class SamplingOptions:
    max_tokens: int
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0
    top_logprobs: int = 0  # how many alternatives to report per step (OpenAI `top_logprobs`)


@dataclass
class SampledSequence:
    tokens: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    top_logprobs: list[list[tuple[int, float]]] = field(default_factory=list)
    stop_reason: str = "length"


# Called after each appended token: (row, sequence) → True when the row must stop (OpenAI stop strings).
StopChecker = Callable[[int, SampledSequence], bool]
# Called before the first step with [] and after each decoding step with the (row, sequence) pairs that received
# a token this step (streaming reads them); returns True to cancel the whole batch (the client went away): decoding stops
# before the next step and every unfinished row keeps stop_reason "cancelled".
StepListener = Callable[[list[tuple[int, SampledSequence]]], bool]


def filter_logits(logits_B_V: torch.Tensor, options: SamplingOptions) -> torch.Tensor:
    """Temperature, then top-k (keep the k largest), then top-p (smallest set with mass ≥ p)."""
    logits_B_V = logits_B_V / options.temperature
    if options.top_k > 0 and options.top_k < logits_B_V.shape[-1]:
        kth_B_1 = torch.topk(logits_B_V, options.top_k, dim=-1).values[:, -1:]
        logits_B_V = logits_B_V.masked_fill(logits_B_V < kth_B_1, float("-inf"))
    if options.top_p < 1.0:
        sorted_B_V, order_B_V = torch.sort(logits_B_V, descending=True, dim=-1)
        probs_B_V = torch.softmax(sorted_B_V, dim=-1)
        mass_before_B_V = probs_B_V.cumsum(-1) - probs_B_V
        sorted_B_V = sorted_B_V.masked_fill(mass_before_B_V >= options.top_p, float("-inf"))
        logits_B_V = torch.full_like(logits_B_V, float("-inf")).scatter(-1, order_B_V, sorted_B_V)
    return logits_B_V


def choose_tokens(logits_B_V: torch.Tensor, options: SamplingOptions, generator: torch.Generator) -> torch.Tensor:
    if options.temperature == 0:
        return logits_B_V.argmax(-1)
    probs_B_V = torch.softmax(filter_logits(logits_B_V, options), dim=-1).cpu()
    # Inverse-CDF draw: the first token whose cumulative mass exceeds u ~ U[0, total). Exact like
    # torch.multinomial, ~10× faster for one draw per row; zero-mass tokens are never chosen.
    cumulative_B_V = probs_B_V.cumsum(-1)
    uniform_B_1 = torch.rand(probs_B_V.shape[0], 1, generator=generator) * cumulative_B_V[:, -1:]
    chosen_B = torch.searchsorted(cumulative_B_V, uniform_B_1, right=True).squeeze(-1)
    return chosen_B.clamp(max=probs_B_V.shape[-1] - 1).to(logits_B_V.device)


@torch.no_grad()
def sample_sequences(model: torch.nn.Module, prompts: list[list[int]], options: SamplingOptions, *,
                     stop_ids: set[int], pad_id: int, generator: torch.Generator, device: torch.device,
                     stop_checker: StopChecker | None = None,
                     on_step: StepListener | None = None) -> list[SampledSequence]:
    """Samples one continuation per prompt row (repeat a prompt to get several samples).

    Rows that stop leave the batch (their cache entries are dropped) once an eighth of it has stopped.
    """
    if on_step is not None and on_step([]):
        return [SampledSequence(stop_reason="cancelled") for _ in prompts]
    width = max(len(prompt) for prompt in prompts)
    input_ids_B_L = torch.tensor([[pad_id] * (width - len(p)) + p for p in prompts], dtype=torch.long, device=device)
    mask_B_L = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts], dtype=torch.long, device=device)
    positions_B_L = (mask_B_L.cumsum(-1) - 1).clamp(min=0)
    cache = DynamicCache()
    outputs = model(input_ids=input_ids_B_L, attention_mask=mask_B_L, position_ids=positions_B_L,
                    cache=cache, use_cache=True, logits_to_keep=1)
    sequences = [SampledSequence() for _ in prompts]
    rows = list(range(len(prompts)))  # batch position → sequence index
    active = [True] * len(prompts)
    next_positions_B_1 = positions_B_L[:, -1:] + 1
    for step in range(options.max_tokens):
        logits_B_V = outputs.logits[:, -1, :].float()
        log_probs_B_V = torch.log_softmax(logits_B_V / options.temperature if options.temperature > 0 else logits_B_V, dim=-1)
        chosen_B = choose_tokens(logits_B_V, options, generator)
        chosen_logprobs_B = log_probs_B_V.gather(-1, chosen_B.unsqueeze(-1)).squeeze(-1)
        stepped = [(row, sequences[row]) for row in rows if active[row]]
        record_step(sequences, rows, active, chosen_B, chosen_logprobs_B, log_probs_B_V, options, stop_ids, stop_checker)
        if on_step is not None and on_step(stepped):
            for row in rows:
                if active[row]:
                    sequences[row].stop_reason = "cancelled"
            break
        keep = [position for position, row in enumerate(rows) if active[row]]
        if not keep or step == options.max_tokens - 1:
            break
        if len(rows) - len(keep) >= max(1, len(rows) // 8):
            index_K = torch.tensor(keep, device=device)
            cache.batch_select_indices(index_K)
            mask_B_L, chosen_B, next_positions_B_1 = mask_B_L[index_K], chosen_B[index_K], next_positions_B_1[index_K]
            rows = [rows[position] for position in keep]
        mask_B_L = torch.cat([mask_B_L, torch.ones_like(mask_B_L[:, :1])], dim=-1)
        outputs = model(input_ids=chosen_B.unsqueeze(-1), attention_mask=mask_B_L, position_ids=next_positions_B_1,
                        cache=cache, use_cache=True)
        next_positions_B_1 = next_positions_B_1 + 1
    return sequences


def record_step(sequences: list[SampledSequence], rows: list[int], active: list[bool], chosen_B: torch.Tensor,
                chosen_logprobs_B: torch.Tensor, log_probs_B_V: torch.Tensor, options: SamplingOptions,
                stop_ids: set[int], stop_checker: StopChecker | None) -> None:
    """Appends this step's token to every still-active row and marks rows that stop."""
    tokens = chosen_B.tolist()
    logprobs = chosen_logprobs_B.tolist()
    alternatives = None
    if options.top_logprobs > 0:
        top = torch.topk(log_probs_B_V, options.top_logprobs, dim=-1)
        alternatives = list(zip(top.indices.tolist(), top.values.tolist(), strict=True))
    for position, row in enumerate(rows):
        if not active[row]:
            continue
        sequence = sequences[row]
        sequence.tokens.append(tokens[position])
        sequence.logprobs.append(logprobs[position])
        if alternatives is not None:
            sequence.top_logprobs.append(list(zip(*alternatives[position], strict=True)))
        if tokens[position] in stop_ids or (stop_checker is not None and stop_checker(row, sequence)):
            sequence.stop_reason = "stop"
            active[row] = False
