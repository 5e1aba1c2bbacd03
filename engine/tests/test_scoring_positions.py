"""The LM head runs only where a score is used: the results equal the full (B, T, V) computation; a model whose logits
are not head(decoder(x)) keeps the full forward."""

from types import SimpleNamespace

import torch

from conftest import engine_of, post
from boxed_engine.scoring import _split_holds, score_batch

TOKENS = [[1, 9, 10, 11, 12, 40], [1, 20, 3]]
TARGETS = [[9, 10, 11, 12, 40, 41], [20, 3, 7]]


def full_scores(model, temperature=1.0):
    """Reference: every position's log-softmax, then gathered, rows scored one at a time (no padding)."""
    logprobs, entropies = [], []
    for tokens, targets in zip(TOKENS, TARGETS, strict=True):
        logits_T_V = model(input_ids=torch.tensor([tokens]), use_cache=False).logits[0].float() / temperature
        log_probs_T_V = torch.log_softmax(logits_T_V, -1)
        logprobs.append(log_probs_T_V.gather(-1, torch.tensor(targets)[:, None])[:, 0])
        entropies.append(-(log_probs_T_V.exp() * log_probs_T_V).sum(-1))
    return logprobs, entropies


def assert_matches(model, temperature=1.0):
    logprobs_B_T, entropies_B_T, mask_B_T = score_batch(model, TOKENS, TARGETS, torch.device("cpu"), True, temperature)
    expected_logprobs, expected_entropies = full_scores(model, temperature)
    for row, (logprobs, entropies) in enumerate(zip(expected_logprobs, expected_entropies, strict=True)):
        length = len(TOKENS[row])
        assert torch.allclose(logprobs_B_T[row, :length], logprobs, atol=1e-5)
        assert torch.allclose(entropies_B_T[row, :length], entropies, atol=1e-5)
        assert not logprobs_B_T[row, length:].any() and not entropies_B_T[row, length:].any()
    assert mask_B_T.sum() == sum(len(row) for row in TOKENS)


class ScaledLogits(torch.nn.Module):
    """A causal LM whose logits are 2·head(decoder(x)), as soft-capped or scaled-logit architectures post-process them."""

    def __init__(self, inner):
        super().__init__()
        self.inner, self.config = inner, inner.config

    def get_decoder(self):
        return self.inner.get_decoder()

    def get_output_embeddings(self):
        return self.inner.get_output_embeddings()

    def forward(self, input_ids, use_cache=False):
        return SimpleNamespace(logits=2 * self.inner(input_ids=input_ids, use_cache=use_cache).logits)


def test_head_split_matches_full_logits(client, lora_client):
    with torch.no_grad():
        for model in (engine_of(client).model, engine_of(lora_client).model):
            assert _split_holds(model)
            assert_matches(model, temperature=0.7)


def test_post_processed_or_hooked_logits_keep_the_full_forward(client):
    model = engine_of(client).model
    scaled = ScaledLogits(model)
    with torch.no_grad():
        assert not _split_holds(scaled)
        assert_matches(scaled)
        hooked = ScaledLogits(model)
        hooked.register_forward_hook(lambda module, inputs, output: output)
        assert not _split_holds(hooked)


def test_all_zero_weights_still_give_zero_gradients(client, lora_client):
    """Parameters get a zero gradient, not none, as with the full head: AdamW treats the two differently."""
    datum = {"tokens": TOKENS[0], "target_tokens": TARGETS[0]}
    for engine_client in (client, lora_client):
        engine = engine_of(engine_client)
        post(engine_client, "/zero_grad", {})
        post(engine_client, "/forward_backward", {"data": [{**datum, "weights": [0.0] * len(TOKENS[0])}]})
        forward = post(engine_client, "/forward", {"data": [datum]})
        post(engine_client, "/backward", {"handle": forward["handle"], "weights": [[0.0] * len(TOKENS[0])],
                                          "entropy_weights": [[0.0] * len(TOKENS[0])]})
        for _, parameter in engine.trainable_parameters():
            assert parameter.grad is not None and not parameter.grad.any()
