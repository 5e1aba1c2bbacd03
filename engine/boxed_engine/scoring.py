"""Per-token log-probabilities and entropies of given targets under a causal LM."""

import torch

from boxed_engine.batching import pad_right


def score_batch(model: torch.nn.Module, tokens: list[list[int]], targets: list[list[int]], device: torch.device,
                with_entropy: bool, temperature: float = 1.0) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor]:
    """Returns (logprobs_B_T, entropies_B_T or None, mask_B_T) for right-padded rows.

    logp_t = log softmax(z_t / T)[target_t];  H_t = −Σ_v p_v log p_v of that same tempered distribution
    (T = the sampling temperature, so that trainer and sampler score the same π_T).  Right padding needs no attention
    mask: causal attention never lets a real position see the padding after it.
    Gradients flow when the caller has them enabled.
    """
    input_ids_B_T = pad_right(tokens, 0, torch.long).to(device)
    targets_B_T = pad_right(targets, 0, torch.long).to(device)
    mask_B_T = pad_right([[1.0] * len(row) for row in tokens], 0.0, torch.float32).to(device)
    logits_B_T_V = model(input_ids=input_ids_B_T, use_cache=False).logits.float()
    if temperature != 1.0:
        logits_B_T_V = logits_B_T_V / temperature
    if not with_entropy:  # fused log-softmax + gather: no (B, T, V) log-prob tensor kept for backward
        flat_logits = logits_B_T_V.flatten(0, 1)
        logprobs_B_T = -torch.nn.functional.cross_entropy(flat_logits, targets_B_T.flatten(), reduction="none")
        return logprobs_B_T.view_as(mask_B_T) * mask_B_T, None, mask_B_T
    log_probs_B_T_V = torch.log_softmax(logits_B_T_V, dim=-1)
    logprobs_B_T = log_probs_B_T_V.gather(-1, targets_B_T.unsqueeze(-1)).squeeze(-1) * mask_B_T
    entropies_B_T = -(log_probs_B_T_V.exp() * log_probs_B_T_V).sum(-1) * mask_B_T
    return logprobs_B_T, entropies_B_T, mask_B_T


def unpad(values_B_T: torch.Tensor, lengths: list[int]) -> list[list[float]]:
    rows = values_B_T.detach().float().cpu().tolist()
    return [row[:length] for row, length in zip(rows, lengths, strict=True)]
