"""TRL GRPOTrainer on boxed's demo model and data: 20 steps of 32 prompts x 8 samples on CPU.

Settings chosen to match `boxed demo`'s GRPO: max 6 new tokens, temperature 1, exact-answer reward,
group-normalised advantages, clip 0.2, no KL (beta 0), one update per batch, lr 3e-4, AdamW
(beta2 0.95), grad clip 1. Prints seconds per step. Usage:
  .bench-venv-trl/bin/python bench/trl/trl_grpo.py assets/demo/model /tmp/prompts.jsonl
"""
import json
import re
import sys
import time

import torch
from datasets import Dataset
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
from trl import GRPOConfig, GRPOTrainer

model_dir, prompts_path = sys.argv[1], sys.argv[2]
rows = [json.loads(line) for line in open(prompts_path)]
dataset = Dataset.from_list(rows)
tokenizer = AutoTokenizer.from_pretrained(model_dir)
model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)


def exact_answer(completions, answer, **_):
    """1 when the last integer of the completion equals the gold answer."""
    rewards = []
    for completion, gold in zip(completions, answer):
        numbers = re.findall(r"-?\d+", completion)
        rewards.append(1.0 if numbers and numbers[-1] == gold else 0.0)
    return rewards


class StepTimer(TrainerCallback):
    def __init__(self):
        self.times = []
        self.start = None

    def on_step_begin(self, args, state, control, **kwargs):
        self.start = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):
        self.times.append(time.perf_counter() - self.start)


config = GRPOConfig(
    output_dir="/tmp/boxed-trl-bench",
    per_device_train_batch_size=256,
    num_generations=8,
    max_completion_length=6,
    temperature=1.0,
    learning_rate=3e-4,
    adam_beta2=0.95,
    max_grad_norm=1.0,
    lr_scheduler_type="constant",
    beta=0.0,
    epsilon=0.2,
    num_iterations=1,
    max_steps=20,
    logging_steps=1,
    report_to=[],
    use_cpu=True,
    shuffle_dataset=False,
    save_strategy="no",
    seed=0,
)
timer = StepTimer()
trainer = GRPOTrainer(model=model, reward_funcs=exact_answer, args=config, train_dataset=dataset,
                      processing_class=tokenizer, callbacks=[timer])
trainer.train()
steady = timer.times[1:]
print(json.dumps({"tool": "trl", "steps": len(timer.times), "seconds_per_step": sum(steady) / len(steady),
                  "first_step_seconds": timer.times[0]}))
