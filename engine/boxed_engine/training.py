"""Training primitives: accumulate ∇L for L = −Σ_t w_t·logp_t − Σ_t e_t·H_t, split forward/backward, AdamW.

No RL logic lives here: the TypeScript loss supplies w_t = −∂loss/∂logp_t and e_t = −∂loss/∂H_t (its entropy
bonus, aggregated as the loss is); logp and H are of the tempered policy log softmax(z / T) (docs/engine-protocol.md).
"""

import uuid
from dataclasses import dataclass

import torch

from boxed_engine.batching import check_data, check_weights, micro_batches, pad_right
from boxed_engine.engine import Engine
from boxed_engine.errors import EngineError
from boxed_engine.scoring import Head, features, padded_inputs, scores_at, unpad

MAX_PENDING_FORWARDS = 4


@dataclass
class PendingGroup:
    """One micro-batch of a `/forward`: the graph of its log-probs (fused log-softmax, no entropy) and of the
    decoder's output, from which `/backward` computes entropies only where an entropy weight is non-zero."""

    indices: list[int]
    logprobs_B_T: torch.Tensor
    features_B_T_D: torch.Tensor
    head: Head
    targets_B_T: torch.Tensor
    mask_B_T: torch.Tensor


@dataclass
class PendingForward:
    groups: list[PendingGroup]
    lengths: list[int]
    step: int
    temperature: float


def weighted_loss(logprobs_B_T: torch.Tensor, entropies_B_T: torch.Tensor | None, weights_B_T: torch.Tensor,
                  entropy_weights_B_T: torch.Tensor | None) -> torch.Tensor:
    """L = −Σ w·logp − Σ e·H (padding has w = e = 0 and logp = H = 0)."""
    loss = -(weights_B_T * logprobs_B_T).sum()
    if entropy_weights_B_T is not None:
        loss = loss - (entropy_weights_B_T * entropies_B_T).sum()
    return loss


def check_entropy_weights(rows: list[list[float] | None], lengths: list[int], param: str) -> bool:
    """Validates per-datum entropy weights (same length as the weights); True when any datum has them."""
    for index, row in enumerate(rows):
        if row is not None:
            check_weights(row, lengths[index], f"{param}[{index}]")
    return any(row is not None for row in rows)


def counted_positions(mask_B_T: torch.Tensor, weights_B_T: torch.Tensor, entropy_weights_B_T: torch.Tensor | None) -> torch.Tensor:
    """Where w ≠ 0 or e ≠ 0: the only positions whose log-prob or entropy enters L, so the only ones the head and
    log-softmax run at with a graph."""
    counted_B_T = mask_B_T.bool() & (weights_B_T != 0)
    return counted_B_T if entropy_weights_B_T is None else counted_B_T | (mask_B_T.bool() & (entropy_weights_B_T != 0))


def pad_entropy_weights(rows: list[list[float] | None], lengths: list[int], device: torch.device) -> torch.Tensor | None:
    """e_B_T, or None when every e is 0 (then no entropy is computed: its term of L is 0)."""
    entropy_weights_B_T = pad_right([row if row is not None else [0.0] * length for row, length in zip(rows, lengths, strict=True)],
                                    0.0, torch.float32).to(device)
    return entropy_weights_B_T if bool((entropy_weights_B_T != 0).any()) else None


class Trainer:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.pending: dict[str, PendingForward] = {}

    def _groups(self, data: list) -> list[list[int]]:
        return micro_batches([len(datum.tokens) for datum in data], self.engine.options.token_budget)

    def forward_backward(self, data: list, temperature: float = 1.0) -> dict:
        engine = self.engine
        check_data(data, engine.vocab_size, engine.max_context, weighted=True)
        with_entropy = check_entropy_weights([d.entropy_weights for d in data], [len(d.tokens) for d in data],
                                             "data.entropy_weights")
        logprobs: list[list[float]] = [[] for _ in data]
        total = 0.0
        with engine.weights_lock.reading(), engine.autocast():
            for group in self._groups(data):
                rows = [data[index] for index in group]
                input_ids_B_T, targets_B_T, mask_B_T = padded_inputs([r.tokens for r in rows], [r.target_tokens for r in rows],
                                                                     engine.device)
                weights_B_T = pad_right([r.weights for r in rows], 0.0, torch.float32).to(engine.device)
                entropy_weights_B_T = pad_entropy_weights([r.entropy_weights for r in rows], [len(r.tokens) for r in rows],
                                                          engine.device) if with_entropy else None
                features_B_T_D, head = features(engine.model, input_ids_B_T)
                counted_B_T = counted_positions(mask_B_T, weights_B_T, entropy_weights_B_T)
                logprobs_B_T, entropies_B_T = scores_at(features_B_T_D, head, targets_B_T, counted_B_T,
                                                        entropy_weights_B_T is not None, temperature)
                loss = weighted_loss(logprobs_B_T, entropies_B_T, weights_B_T, entropy_weights_B_T)
                with torch.no_grad():  # the returned log-probs at the positions that carried no weight
                    rest_B_T, _ = scores_at(features_B_T_D, head, targets_B_T, mask_B_T.bool() & ~counted_B_T, False,
                                            temperature)
                loss.backward()
                total += float(loss.detach())
                for index, values in zip(group, unpad(logprobs_B_T.detach() + rest_B_T, [len(r.tokens) for r in rows]),
                                         strict=True):
                    logprobs[index] = values
        return {"loss": total, "logprobs": logprobs, "tokens": sum(len(datum.tokens) for datum in data)}

    def forward(self, data: list, temperature: float = 1.0) -> dict:
        engine = self.engine
        check_data(data, engine.vocab_size, engine.max_context)
        lengths = [len(datum.tokens) for datum in data]
        logprobs: list[list[float]] = [[] for _ in data]
        groups = []
        with engine.weights_lock.reading(), engine.autocast():
            for group in self._groups(data):
                rows = [data[index] for index in group]
                input_ids_B_T, targets_B_T, mask_B_T = padded_inputs([r.tokens for r in rows], [r.target_tokens for r in rows],
                                                                     engine.device)
                features_B_T_D, head = features(engine.model, input_ids_B_T)
                logprobs_B_T, _ = scores_at(features_B_T_D, head, targets_B_T, mask_B_T.bool(), False, temperature)
                groups.append(PendingGroup(group, logprobs_B_T, features_B_T_D, head, targets_B_T, mask_B_T))
                for index, values in zip(group, unpad(logprobs_B_T, [lengths[i] for i in group]), strict=True):
                    logprobs[index] = values
        handle = uuid.uuid4().hex
        while len(self.pending) >= MAX_PENDING_FORWARDS:
            self.pending.pop(next(iter(self.pending)))
        self.pending[handle] = PendingForward(groups, lengths, engine.step, temperature)
        return {"handle": handle, "logprobs": logprobs}

    def backward(self, handle: str, weights: list[list[float]], entropy_weights: list[list[float]] | None = None) -> dict:
        pending = self.pending.get(handle)
        if pending is None:
            raise EngineError("unknown or expired handle (a handle serves one backward, before the next optim_step)",
                              status=404, param="handle")
        if len(weights) != len(pending.lengths):
            raise EngineError(f"weights has {len(weights)} rows but the forward had {len(pending.lengths)} data", param="weights")
        for index, row in enumerate(weights):
            check_weights(row, pending.lengths[index], f"weights[{index}]")
        if entropy_weights is not None and len(entropy_weights) != len(pending.lengths):
            raise EngineError(f"entropy_weights has {len(entropy_weights)} rows but the forward had {len(pending.lengths)} data",
                              param="entropy_weights")
        if entropy_weights is not None:
            check_entropy_weights(entropy_weights, pending.lengths, "entropy_weights")
        del self.pending[handle]
        total = 0.0
        for group in pending.groups:
            device = group.mask_B_T.device
            weights_B_T = pad_right([weights[index] for index in group.indices], 0.0, torch.float32).to(device)
            entropy_weights_B_T = None if entropy_weights is None else pad_entropy_weights(
                [entropy_weights[index] for index in group.indices], [pending.lengths[index] for index in group.indices], device)
            entropies_B_T = None
            if entropy_weights_B_T is not None:
                with self.engine.weights_lock.reading(), self.engine.autocast():
                    _, entropies_B_T = scores_at(group.features_B_T_D, group.head, group.targets_B_T,
                                                 group.mask_B_T.bool() & (entropy_weights_B_T != 0), True, pending.temperature)
            loss = weighted_loss(group.logprobs_B_T, entropies_B_T, weights_B_T, entropy_weights_B_T)
            loss.backward()
            total += float(loss.detach())
        return {"loss": total}

    def optim_step(self, adam_params, grad_clip_norm: float | None) -> dict:
        """AdamW (Loshchilov & Hutter 2017, arXiv:1711.05101) after global-norm clipping
        (g ← g·min(1, c/‖g‖), Pascanu et al. 2013, arXiv:1211.5063); returns ‖g‖ before clipping."""
        engine = self.engine
        parameters = [parameter for _, parameter in engine.trainable_parameters()]
        optimizer = self.ensure_optimizer()
        for group in optimizer.param_groups:
            group.update(lr=adam_params.learning_rate, betas=(adam_params.beta1, adam_params.beta2),
                         eps=adam_params.eps, weight_decay=adam_params.weight_decay)
        with engine.weights_lock.writing():
            norm = torch.nn.utils.clip_grad_norm_(parameters, grad_clip_norm if grad_clip_norm is not None else float("inf"))
            if not torch.isfinite(norm):
                optimizer.zero_grad(set_to_none=True)
                raise EngineError("the gradient norm is not finite; the gradient was discarded and no step taken",
                                  status=422, param="gradient")
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            engine.step += 1
        self.pending.clear()  # their graphs refer to the old weights
        return {"grad_norm": float(norm), "step": engine.step}

    def ensure_optimizer(self) -> torch.optim.AdamW:
        engine = self.engine
        if engine.optimizer is None:
            engine.optimizer = torch.optim.AdamW([parameter for _, parameter in engine.trainable_parameters()], lr=0.0)
        return engine.optimizer

    def zero_grad(self) -> dict:
        self.engine.model.zero_grad(set_to_none=True)
        self.pending.clear()
        return {}
