"""Losses as coefficients are exact: the engine's gradient of −Σ w·logp with w = −∂L/∂logp (computed
in numpy, as TypeScript does) equals torch autograd's gradient of the same PPO loss."""

import numpy
import torch

from conftest import engine_of, post
from boxed_engine.scoring import score_batch

EPSILON = 0.2


def ppo_coefficients(logprobs, old_logprobs, advantages, count):
    """∂L/∂logp_t of L = (1/N) Σ_t −min(ρ_t A, clip(ρ_t, 1−ε, 1+ε) A), ρ_t = exp(logp_t − old_t)
    (PPO, Schulman et al. 2017, arXiv:1707.06347). The clipped branch has zero gradient when it is the min."""
    ratio = numpy.exp(logprobs - old_logprobs)
    unclipped = ratio * advantages
    clipped = numpy.clip(ratio, 1 - EPSILON, 1 + EPSILON) * advantages
    active = (unclipped <= clipped) | ((ratio >= 1 - EPSILON) & (ratio <= 1 + EPSILON))
    return numpy.where(active, -unclipped / count, 0.0)


def ppo_loss_torch(logprobs, old_logprobs, advantages, count):
    ratio = torch.exp(logprobs - old_logprobs)
    clipped = torch.clamp(ratio, 1 - EPSILON, 1 + EPSILON)
    return -torch.minimum(ratio * advantages, clipped * advantages).sum() / count


def test_coefficient_gradient_equals_autograd_ppo_gradient(client):
    engine = engine_of(client)
    generator = numpy.random.default_rng(0)
    sequences = [[1] + generator.integers(5, 700, size=length).tolist() for length in (12, 7, 15, 9)]
    data = [{"tokens": s[:-1], "target_tokens": s[1:]} for s in sequences]
    logprobs = [numpy.array(row) for row in post(client, "/logprobs", {"data": data})["logprobs"]]
    old = [row + generator.uniform(-0.4, 0.4, size=row.shape) for row in logprobs]  # ratios inside and outside the clip
    advantages = generator.normal(size=len(data))
    count = sum(len(row) for row in logprobs)
    weights = [(-ppo_coefficients(lp, o, a, count)).tolist() for lp, o, a in zip(logprobs, old, advantages, strict=True)]
    assert any(value == 0 for row in weights for value in row) and any(value != 0 for row in weights for value in row)

    post(client, "/zero_grad", {})
    post(client, "/forward_backward", {"data": [{**d, "weights": w} for d, w in zip(data, weights, strict=True)]})
    engine_gradient = torch.cat([p.grad.flatten() for _, p in engine.trainable_parameters()])
    post(client, "/zero_grad", {})

    logprobs_B_T, _, mask_B_T = score_batch(engine.model, [d["tokens"] for d in data], [d["target_tokens"] for d in data],
                                            engine.device, with_entropy=False)
    width = logprobs_B_T.shape[1]
    old_B_T = torch.tensor(numpy.stack([numpy.pad(o, (0, width - len(o))) for o in old]), dtype=torch.float32)
    advantages_B_T = torch.tensor(advantages, dtype=torch.float32)[:, None] * mask_B_T
    ppo_loss_torch(logprobs_B_T, old_B_T * mask_B_T, advantages_B_T, count).backward()
    autograd_gradient = torch.cat([p.grad.flatten() for _, p in engine.trainable_parameters()])
    post(client, "/zero_grad", {})

    relative_error = (engine_gradient - autograd_gradient).norm() / autograd_gradient.norm()
    assert autograd_gradient.norm() > 0
    assert relative_error < 1e-4, float(relative_error)


def test_entropy_weights_gradient_equals_autograd(client):
    """L = −Σ w·logp − Σ e·H of the tempered policy softmax(z / T), with H from torch.distributions as an
    independent reference; e is nonzero where w is 0 (a clipped token still gets its entropy bonus)."""
    engine = engine_of(client)
    temperature = 0.6
    data = [{"tokens": [1, 8, 9, 10, 11], "target_tokens": [8, 9, 10, 11, 12], "weights": [0.0, 0.5, -1.0, 0.0, 2.0],
             "entropy_weights": [0.0, 0.1, 0.1, 0.3, 0.1]}]
    post(client, "/zero_grad", {})
    post(client, "/forward_backward", {"data": data, "temperature": temperature})
    engine_gradient = torch.cat([p.grad.flatten() for _, p in engine.trainable_parameters()])
    post(client, "/zero_grad", {})

    logits_T_V = engine.model(input_ids=torch.tensor([data[0]["tokens"]])).logits[0].float()
    distribution = torch.distributions.Categorical(logits=logits_T_V / temperature)
    weights_T = torch.tensor(data[0]["weights"])
    loss = -(weights_T * distribution.log_prob(torch.tensor(data[0]["target_tokens"]))).sum()
    loss = loss - (torch.tensor(data[0]["entropy_weights"]) * distribution.entropy()).sum()
    loss.backward()
    autograd_gradient = torch.cat([p.grad.flatten() for _, p in engine.trainable_parameters()])
    post(client, "/zero_grad", {})
    assert (engine_gradient - autograd_gradient).norm() / autograd_gradient.norm() < 1e-4


def test_entropy_coef_is_gone_and_entropy_weights_are_checked(client):
    datum = {"tokens": [1, 8, 9], "target_tokens": [8, 9, 10], "weights": [1.0, 1.0, 1.0]}
    old = client.post("/forward_backward", json={"data": [datum], "entropy_coef": 0.1})
    assert old.status_code == 400 and "entropy_coef" in old.text
    short = client.post("/forward_backward", json={"data": [{**datum, "entropy_weights": [0.1]}]})
    assert short.status_code == 400 and "entropy_weights" in short.json()["error"]["param"]
    cold = client.post("/logprobs", json={"data": [{"tokens": [1], "target_tokens": [2]}], "temperature": 0})
    assert cold.status_code == 400 and "temperature" in cold.text
    post(client, "/zero_grad", {})
