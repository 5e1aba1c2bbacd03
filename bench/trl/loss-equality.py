"""TRL GRPOTrainer's loss vs boxed's GRPO loss on one identical batch (issue 9).

Batch: the tiny model (`python -m boxed_engine.init_model --preset tiny --seed 0`), 4 prompts x 4
completions with fixed token ids (seeded) and fixed rewards, variable lengths (right padding).
(a) TRL 1.16.0: advantages with TRL's own `nanstd` and its formula (r - mean_group) / (std_group + 1e-4)
    (grpo_trainer.py `_generate_and_score_completions`, scale_rewards="group"), loss from the real
    `GRPOTrainer._compute_loss(model, inputs)` with loss_type="grpo", beta=0, epsilon=0.2,
    num_iterations=2 semantics: inputs carry old_per_token_logps = current + 0.3*N(0,1) noise (ratio != 1, some clipped), model in eval mode (normaliser 1).
(b) boxed: bench/trl/boxed-loss.ts -> computeAdvantages(grpo, epsilon 1e-4) + policyLoss(ppo, clip 0.2,
    seq_mean_token_mean) on the per-token log-probs TRL computed for the same weights.
Gradients: TRL loss.backward() vs autograd of boxed's coefficients (dloss/dlogprob) through the same
log-probs. Prints both losses, their relative difference and the gradients' relative L2 difference.
Usage: .bench-venv-trl/bin/python bench/trl/loss-equality.py
"""
import json
import subprocess
import sys
import tempfile

import torch
from datasets import Dataset
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import GRPOConfig, GRPOTrainer
from trl.trainer.utils import nanstd

PROMPTS, GROUP, PROMPT_LENGTH, WIDTH = 4, 4, 5, 6
REWARDS = [[1, 0, 0, 1], [1, 1, 1, 0], [0, 0, 0, 0], [0.5, 1, 0, 0.25]]

work = tempfile.mkdtemp()
subprocess.run([".venv/bin/python", "-m", "boxed_engine.init_model", "--preset", "tiny", "--seed", "0",
                "--out", f"{work}/model"], check=True, stdout=subprocess.DEVNULL, cwd=".",
               env={"PYTHONPATH": "engine", "PATH": "/usr/bin:/bin"})
tokenizer = AutoTokenizer.from_pretrained(f"{work}/model")
model = AutoModelForCausalLM.from_pretrained(f"{work}/model", dtype=torch.float32)
config = GRPOConfig(output_dir=f"{work}/trl", per_device_train_batch_size=PROMPTS * GROUP, num_generations=GROUP,
                    max_completion_length=WIDTH, loss_type="grpo", scale_rewards="group", beta=0.0,
                    epsilon=0.2, num_iterations=1, report_to=[], use_cpu=True, seed=0)
trainer = GRPOTrainer(model=model, reward_funcs=lambda completions, **_: [0.0] * len(completions), args=config,
                      train_dataset=Dataset.from_list([{"prompt": "1+1="}] * PROMPTS), processing_class=tokenizer)

generator = torch.Generator().manual_seed(0)
vocabulary = model.config.vocab_size
count = PROMPTS * GROUP
prompt_ids = torch.randint(0, vocabulary, (PROMPTS, PROMPT_LENGTH), generator=generator).repeat_interleave(GROUP, 0)
completion_ids = torch.randint(0, vocabulary, (count, WIDTH), generator=generator)
lengths = torch.randint(1, WIDTH + 1, (count,), generator=generator)
completion_mask = (torch.arange(WIDTH).unsqueeze(0) < lengths.unsqueeze(1)).long()

rewards = torch.tensor(REWARDS, dtype=torch.float32).view(-1)
grouped_mean = rewards.view(-1, GROUP).mean(dim=1).repeat_interleave(GROUP)
grouped_std = nanstd(rewards.view(-1, GROUP), dim=1).repeat_interleave(GROUP)
trl_advantages = (rewards - grouped_mean) / (grouped_std + 1e-4)

model.eval()  # no dropout, and _compute_loss divides by gradient-accumulation steps only in train mode
input_ids = torch.cat([prompt_ids, completion_ids], dim=1)
attention_mask = torch.cat([torch.ones_like(prompt_ids), completion_mask], dim=1)
with torch.no_grad():
    current, _, _ = trainer._get_per_token_logps_and_entropies(model, input_ids, attention_mask, WIDTH)
# pi_old = pi_theta shifted by fixed noise (as after one inner update when num_iterations > 1), so the
# ratio is not 1, some tokens are clipped and the loss is not the trivial -mean(A) = 0 of an on-policy batch
old_logprobs = current + 0.3 * torch.randn(current.shape, generator=generator)
inputs = {"old_per_token_logps": old_logprobs, "prompt_ids": prompt_ids, "prompt_mask": torch.ones_like(prompt_ids), "completion_ids": completion_ids,
          "completion_mask": completion_mask, "advantages": trl_advantages}
model.zero_grad()
trl_loss = trainer._compute_loss(model, inputs)
trl_loss.backward()
trl_gradient = torch.cat([p.grad.flatten() for p in model.parameters() if p.grad is not None]).double()

logprobs, _, _ = trainer._get_per_token_logps_and_entropies(model, input_ids, attention_mask, WIDTH)
mask_list = completion_mask.tolist()
def masked(matrix):
    return [[value if keep else 0.0 for value, keep in zip(row, keeps)]
            for row, keeps in zip(matrix.detach().double().tolist(), mask_list)]


batch = {"oldLogprobs": masked(old_logprobs), "rewards_G_N": REWARDS, "mask": mask_list, "epsilon": 1e-4,
         "logprobs": masked(logprobs)}
boxed = json.loads(subprocess.run(["npx", "tsx", "bench/trl/boxed-loss.ts"], input=json.dumps(batch),
                                  capture_output=True, text=True, check=True).stdout)
model.zero_grad()
logprobs.backward(torch.tensor(boxed["coefficients"], dtype=logprobs.dtype))
boxed_gradient = torch.cat([p.grad.flatten() for p in model.parameters() if p.grad is not None]).double()

trl_value, boxed_value = trl_loss.item(), boxed["loss"]
advantage_gap = (torch.tensor(boxed["advantages"], dtype=torch.float64) - trl_advantages.double()).abs().max().item()
print(json.dumps({
    "trl_loss": trl_value, "boxed_loss": boxed_value,
    "loss_relative_difference": abs(trl_value - boxed_value) / max(abs(trl_value), 1e-30),
    "advantages_max_abs_difference": advantage_gap,
    "gradient_norm_trl": trl_gradient.norm().item(),
    "gradient_relative_l2_difference": ((trl_gradient - boxed_gradient).norm() / trl_gradient.norm()).item(),
}))
