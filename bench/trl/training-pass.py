"""CPU seconds of one training pass (forward + backward) of the demo's batch shape, four ways.

256 rows x 55 tokens (lengths 30-55, the first 5 tokens a prompt), the shipped demo model, 1 torch thread:
(a) logits at every position and the full log-softmax kept (for an entropy) -- what /forward does today;
(b) the same with the fused cross-entropy (no (B, T, V) log-prob tensor kept);
(c) logits only at response positions, full log-softmax; (d) response positions with the fused cross-entropy.
Prints the median process CPU time of 3 repeats each. Usage: .venv/bin/python bench/trl/training-pass.py
"""
import time

import torch
from transformers import AutoModelForCausalLM

torch.set_num_threads(1)
model = AutoModelForCausalLM.from_pretrained("assets/demo/model", dtype=torch.float32)
ROWS, WIDTH, PROMPT, VOCABULARY = 256, 55, 5, model.config.vocab_size
generator = torch.Generator().manual_seed(0)
lengths_B = torch.randint(30, WIDTH + 1, (ROWS,), generator=generator)
tokens_B_T = torch.randint(0, VOCABULARY, (ROWS, WIDTH), generator=generator)
targets_B_T = torch.randint(0, VOCABULARY, (ROWS, WIDTH), generator=generator)
positions_T = torch.arange(WIDTH)[None]
response_B_T = (positions_T < lengths_B[:, None]) & (positions_T >= PROMPT)


def median_cpu(work, repeats=3):
    seconds = []
    for _ in range(repeats):
        started = time.process_time()
        work()
        model.zero_grad(set_to_none=True)
        seconds.append(time.process_time() - started)
    return sorted(seconds)[repeats // 2]


def full(fused):
    logits_B_T_V = model(input_ids=tokens_B_T, use_cache=False).logits.float()
    if fused:
        logprobs = -torch.nn.functional.cross_entropy(logits_B_T_V.flatten(0, 1), targets_B_T.flatten(), reduction="none")
        (logprobs.view(ROWS, WIDTH) * response_B_T).sum().backward()
        return
    log_probs_B_T_V = torch.log_softmax(logits_B_T_V, -1)
    logprobs_B_T = log_probs_B_T_V.gather(-1, targets_B_T.unsqueeze(-1)).squeeze(-1)
    _entropies_B_T = -(log_probs_B_T_V.exp() * log_probs_B_T_V).sum(-1)
    (logprobs_B_T * response_B_T).sum().backward()


def response_only(fused):
    hidden_B_T_H = model.model(input_ids=tokens_B_T, use_cache=False).last_hidden_state
    logits_R_V = model.lm_head(hidden_B_T_H[response_B_T]).float()
    if fused:
        (-torch.nn.functional.cross_entropy(logits_R_V, targets_B_T[response_B_T], reduction="none")).sum().backward()
        return
    log_probs_R_V = torch.log_softmax(logits_R_V, -1)
    _entropies_R = -(log_probs_R_V.exp() * log_probs_R_V).sum(-1)
    log_probs_R_V.gather(-1, targets_B_T[response_B_T].unsqueeze(-1)).sum().backward()


for name, work in [("(a) every position, log-softmax kept", lambda: full(False)),
                   ("(b) every position, fused cross-entropy", lambda: full(True)),
                   ("(c) response positions, log-softmax kept", lambda: response_only(False)),
                   ("(d) response positions, fused cross-entropy", lambda: response_only(True))]:
    print(f"{name:46s} {median_cpu(work):.3f} s CPU", flush=True)
print(f"response positions: {response_B_T.float().mean().item():.2f} of all")
