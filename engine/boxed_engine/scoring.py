"""Per-token log-probabilities and entropies of given targets under a causal LM.

The LM head (and the log-softmax after it) runs only at the positions whose score is used: a training pass
needs it where a weight w_t or entropy weight e_t is non-zero, scoring at real (non-padding) tokens. The rest of
the (B, T, V) logits is never formed: with a small model the head and log-softmax are a large share of a step.
"""

import weakref
from collections.abc import Callable

import torch

from boxed_engine.batching import pad_right

Head = Callable[[torch.Tensor], torch.Tensor]
_SPLITS: "weakref.WeakKeyDictionary[torch.nn.Module, bool]" = weakref.WeakKeyDictionary()


def _body_and_head(model: torch.nn.Module) -> tuple[torch.nn.Module, torch.nn.Module] | None:
    causal = model.get_base_model() if hasattr(model, "get_base_model") else model  # PEFT injects LoRA in place
    body, head = causal.get_decoder(), causal.get_output_embeddings()
    return None if body is causal or head is None else (body, head)


def _split_holds(model: torch.nn.Module) -> bool:
    """Whether logits = head(decoder(x)) for this model, checked once on a probe input: architectures that post-process
    the logits (soft-capping, scaling) fail it, and a model with hooks on its own forward is never split; both keep
    the full forward."""
    if model not in _SPLITS:
        hooked = bool(model._forward_pre_hooks or model._forward_hooks)  # FSDP2 unshards in its root pre-hook
        parts = None if hooked else _body_and_head(model)
        holds = False
        if parts is not None:
            device = next(model.parameters()).device
            probe_B_T = torch.arange(8, device=device).remainder(model.config.vocab_size).view(2, 4)
            with torch.no_grad():
                full_B_T_V = model(input_ids=probe_B_T, use_cache=False).logits.float()
                split_B_T_V = parts[1](parts[0](input_ids=probe_B_T, use_cache=False).last_hidden_state).float()
            holds = torch.allclose(full_B_T_V, split_B_T_V, rtol=1e-4, atol=1e-4)
        _SPLITS[model] = holds
    return _SPLITS[model]


def features(model: torch.nn.Module, input_ids_B_T: torch.Tensor) -> tuple[torch.Tensor, Head]:
    """(F_B_T_D, head) with logits = head(F): the decoder's last hidden states and the LM head, or, for a model whose
    logits are not that, the logits themselves and the identity."""
    if _split_holds(model):
        body, head = _body_and_head(model)
        return body(input_ids=input_ids_B_T, use_cache=False).last_hidden_state, head
    return model(input_ids=input_ids_B_T, use_cache=False).logits, lambda logits: logits


def token_scores(logits_P_V: torch.Tensor, targets_P: torch.Tensor, with_entropy: bool,
                 temperature: float) -> tuple[torch.Tensor, torch.Tensor | None]:
    """logp = log softmax(z / T)[target];  H = −Σ_v p_v log p_v of that same tempered distribution (T = the sampling
    temperature, so that trainer and sampler score the same π_T). Without entropy the fused cross-entropy keeps no
    (P, V) log-prob tensor for backward."""
    logits_P_V = logits_P_V.float()
    if temperature != 1.0:
        logits_P_V = logits_P_V / temperature
    if not with_entropy:
        return -torch.nn.functional.cross_entropy(logits_P_V, targets_P, reduction="none"), None
    log_probs_P_V = torch.log_softmax(logits_P_V, dim=-1)
    logprobs_P = log_probs_P_V.gather(-1, targets_P.unsqueeze(-1)).squeeze(-1)
    return logprobs_P, -(log_probs_P_V.exp() * log_probs_P_V).sum(-1)


def scores_at(features_B_T_D: torch.Tensor, head: Head, targets_B_T: torch.Tensor, positions_B_T: torch.Tensor,
              with_entropy: bool, temperature: float) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(logprobs_B_T, entropies_B_T or None) with the head applied only where `positions_B_T` (bool) is set; 0 elsewhere."""
    logprobs_P, entropies_P = token_scores(head(features_B_T_D[positions_B_T]), targets_B_T[positions_B_T],
                                           with_entropy, temperature)
    zeros_B_T = torch.zeros(positions_B_T.shape, dtype=torch.float32, device=positions_B_T.device)
    logprobs_B_T = zeros_B_T.masked_scatter(positions_B_T, logprobs_P)
    return logprobs_B_T, None if entropies_P is None else zeros_B_T.masked_scatter(positions_B_T, entropies_P)


def padded_inputs(tokens: list[list[int]], targets: list[list[int]],
                  device: torch.device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(input_ids_B_T, targets_B_T, mask_B_T) right-padded. Right padding needs no attention mask: causal attention
    never lets a real position see the padding after it."""
    input_ids_B_T = pad_right(tokens, 0, torch.long).to(device)
    targets_B_T = pad_right(targets, 0, torch.long).to(device)
    mask_B_T = pad_right([[1.0] * len(row) for row in tokens], 0.0, torch.float32).to(device)
    return input_ids_B_T, targets_B_T, mask_B_T


def score_batch(model: torch.nn.Module, tokens: list[list[int]], targets: list[list[int]], device: torch.device,
                with_entropy: bool, temperature: float = 1.0) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor]:
    """Returns (logprobs_B_T, entropies_B_T or None, mask_B_T) for right-padded rows, scored at the real tokens
    (padding gets 0). Gradients flow when the caller has them enabled."""
    input_ids_B_T, targets_B_T, mask_B_T = padded_inputs(tokens, targets, device)
    features_B_T_D, head = features(model, input_ids_B_T)
    logprobs_B_T, entropies_B_T = scores_at(features_B_T_D, head, targets_B_T, mask_B_T.bool(), with_entropy, temperature)
    return logprobs_B_T, entropies_B_T, mask_B_T


def unpad(values_B_T: torch.Tensor, lengths: list[int]) -> list[list[float]]:
    rows = values_B_T.detach().float().cpu().tolist()
    return [row[:length] for row, length in zip(rows, lengths, strict=True)]
