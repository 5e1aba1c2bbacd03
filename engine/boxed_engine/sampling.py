"""One decoding step's token choice: logit processors, then the draw (the batch itself lives in scheduler.py).

The recorded log-probs are those of the tempered policy π_T, log softmax(z / T) (T > 0; z itself for greedy
T = 0), before penalties, top-k / top-p / min-p: what a trainer that divides its logits by T (verl, TRL,
`/forward`'s `temperature`) computes for the same tokens. Nucleus (top-p) sampling: Holtzman et al. 2019,
arXiv:1904.09751; top-k: Fan et al. 2018, arXiv:1805.04833; min-p: Nguyen et al. 2024, arXiv:2407.01082;
repetition penalty: Keskar et al. 2019 (CTRL), arXiv:1909.05858. Names and semantics follow vLLM's
SamplingParams (vllm/sampling_params.py, vllm/entrypoints/openai/protocol.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import torch


@dataclass
class SamplingOptions:
    max_tokens: int
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0
    top_logprobs: int = 0  # how many alternatives to report per step (OpenAI `top_logprobs`)
    min_p: float = 0.0  # drop tokens with p < min_p · p_max (after temperature)
    repetition_penalty: float = 1.0  # > 1 discourages tokens already in the prompt or the output
    min_tokens: int = 0  # stop tokens (eos, stop_token_ids) are masked until this many are generated
    ignore_eos: bool = False  # eos does not stop (stop_token_ids still do)
    presence_penalty: float = 0.0  # OpenAI: z_v −= presence · [v in the output] + frequency · count_v(output)
    frequency_penalty: float = 0.0
    logit_bias: dict[int, float] = field(default_factory=dict)  # added to the logits before everything else


@dataclass
class SampledSequence:
    tokens: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    top_logprobs: list[list[tuple[int, float]]] = field(default_factory=list)
    stop_reason: str = "length"


# Called after each appended token: (row, sequence) → True when the row must stop (OpenAI stop strings).
StopChecker = Callable[[int, SampledSequence], bool]
# Called before the first step with [] and after each decoding step with the (row, sequence) pairs that received
# a token this step (streaming reads them); returns True to cancel the request (the client went away): its rows
# leave the batch before the next step and every unfinished row keeps stop_reason "cancelled".
StepListener = Callable[[list[tuple[int, SampledSequence]]], bool]


def policy_logprobs(logits_B_V: torch.Tensor, options: SamplingOptions) -> torch.Tensor:
    return torch.log_softmax(logits_B_V / options.temperature if options.temperature > 0 else logits_B_V, dim=-1)


def filter_logits(logits_B_V: torch.Tensor, options: SamplingOptions) -> torch.Tensor:
    """Temperature, then top-k (keep the k largest), then min-p, then top-p (smallest set with mass ≥ p)."""
    logits_B_V = logits_B_V / options.temperature
    if options.top_k > 0 and options.top_k < logits_B_V.shape[-1]:
        kth_B_1 = torch.topk(logits_B_V, options.top_k, dim=-1).values[:, -1:]
        logits_B_V = logits_B_V.masked_fill(logits_B_V < kth_B_1, float("-inf"))
    if options.min_p > 0:
        # p_v < min_p · p_max  ⇔  z_v < z_max + log(min_p)
        floor_B_1 = logits_B_V.max(dim=-1, keepdim=True).values + torch.log(torch.tensor(options.min_p))
        logits_B_V = logits_B_V.masked_fill(logits_B_V < floor_B_1, float("-inf"))
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


def penalize_repetition(logits_B_V: torch.Tensor, seen_B_V: torch.Tensor, penalty: float) -> torch.Tensor:
    """CTRL's penalty as vLLM applies it: a seen token's logit z becomes z / θ if z > 0, else z · θ."""
    penalized_B_V = torch.where(logits_B_V > 0, logits_B_V / penalty, logits_B_V * penalty)
    return torch.where(seen_B_V, penalized_B_V, logits_B_V)


def penalize_output(logits_B_V: torch.Tensor, outputs: list[list[int]], options: SamplingOptions) -> torch.Tensor:
    """OpenAI's presence and frequency penalties over each row's generated tokens."""
    counts_B_V = torch.zeros_like(logits_B_V)
    for index, row in enumerate(outputs):
        if row:
            counts_B_V[index] += torch.bincount(torch.tensor(row), minlength=logits_B_V.shape[-1]).to(logits_B_V)
    return logits_B_V - options.presence_penalty * (counts_B_V > 0) - options.frequency_penalty * counts_B_V


def seen_tokens(rows: list[list[int]], vocab_size: int, device: torch.device) -> torch.Tensor:
    """(B, V) bool: which ids occur in each row (prompt + output so far)."""
    seen_B_V = torch.zeros(len(rows), vocab_size, dtype=torch.bool, device=device)
    for index, row in enumerate(rows):
        seen_B_V[index, torch.tensor(row, dtype=torch.long, device=device)] = True
    return seen_B_V
