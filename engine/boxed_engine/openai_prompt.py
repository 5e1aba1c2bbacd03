"""The prompt's own log-probs for the OpenAI routes: `echo` with `logprobs` (lm-eval-style log-likelihood, usually
with `max_tokens: 0`) and vLLM's `prompt_logprobs`. logp_t = log softmax(z_{t−1})[prompt_t] at temperature 1, the
same numbers `/logprobs` gives for tokens = prompt[:-1], target_tokens = prompt[1:]; the first token has none."""

import torch

from boxed_engine.engine import Engine
from boxed_engine.openai_text import Rendering

# Per prompt: (logprobs with None first, top alternatives per position (None first), rank of each prompt token)
Scored = tuple[list[float | None], list[list[tuple[int, float]] | None], list[int | None]]


def score_prompts(engine: Engine, prompts: list[list[int]], top: int) -> list[Scored]:
    scored = []
    with torch.no_grad(), engine.weights_lock.reading(), engine.autocast():
        for prompt in prompts:
            if len(prompt) == 1:
                scored.append(([None], [None], [None]))
                continue
            ids_1_T = torch.tensor([prompt], device=engine.device)
            log_probs_T_V = torch.log_softmax(engine.model(input_ids=ids_1_T, use_cache=False).logits[0, :-1].float(), -1)
            targets_T = ids_1_T[0, 1:]
            chosen_T = log_probs_T_V.gather(-1, targets_T.unsqueeze(-1)).squeeze(-1)
            ranks_T = (log_probs_T_V > chosen_T.unsqueeze(-1)).sum(-1) + 1
            alternatives = [[] for _ in range(len(prompt) - 1)]
            if top > 0:
                best = torch.topk(log_probs_T_V, top, dim=-1)
                alternatives = [list(zip(i, v, strict=True)) for i, v in zip(best.indices.tolist(), best.values.tolist(),
                                                                             strict=True)]
            scored.append(([None, *chosen_T.tolist()], [None, *alternatives], [None, *ranks_T.tolist()]))
    return scored


def prompt_logprobs_field(rendering: Rendering, prompt: list[int], scored: Scored) -> list[dict | None]:
    """vLLM's shape: per prompt token, None for the first, else {token id: {logprob, rank, decoded_token}} holding
    the prompt's token and the top alternatives."""
    values, tops, ranks = scored
    field: list[dict | None] = [None]
    for position in range(1, len(prompt)):
        token = prompt[position]
        entries = {str(token): {"logprob": values[position], "rank": ranks[position],
                                "decoded_token": rendering.token(token)}}
        for rank, (alternative, value) in enumerate(tops[position], start=1):
            entries.setdefault(str(alternative), {"logprob": value, "rank": rank,
                                                  "decoded_token": rendering.token(alternative)})
        field.append(entries)
    return field
