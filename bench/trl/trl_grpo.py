"""TRL GRPOTrainer on boxed's demo model and data: STEPS steps of 32 prompts x 8 samples on CPU.

Settings match `boxed demo`'s GRPO (bench/trl/compare.ts runs boxed with the same): MAX_TOKENS new
tokens, temperature 1, exact-answer reward, group-normalised advantages, clip 0.2, no KL (beta 0), one
update per batch, lr 3e-4, AdamW (beta2 0.95), grad clip 1; float32 on both sides (TRL's CPU defaults
bf16=True and gradient_checkpointing=True are turned off: boxed uses neither) and THREADS torch threads
(boxed's engine uses 1 for the tiny model). Prints the median wall and CPU seconds per step over steps 2..STEPS.
Usage:
  .bench-venv-trl/bin/python bench/trl/trl_grpo.py MODEL PROMPTS.jsonl STEPS MAX_TOKENS THREADS
"""
import json
import re
import statistics
import sys
import time

import torch
from datasets import Dataset
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
from trl import GRPOConfig, GRPOTrainer

model_dir, prompts_path = sys.argv[1], sys.argv[2]
steps, max_tokens, threads = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
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
    """Wall and CPU seconds (this process, all threads) of each optimizer step, generation included."""

    def __init__(self):
        self.times, self.cpu = [], []
        self.start = self.start_cpu = None

    def on_step_begin(self, args, state, control, **kwargs):
        self.start, self.start_cpu = time.perf_counter(), time.process_time()

    def on_step_end(self, args, state, control, **kwargs):
        self.times.append(time.perf_counter() - self.start)
        self.cpu.append(time.process_time() - self.start_cpu)


config = GRPOConfig(
    output_dir="/tmp/boxed-trl-bench",
    per_device_train_batch_size=256,
    num_generations=8,
    max_completion_length=max_tokens,
    temperature=1.0,
    learning_rate=3e-4,
    adam_beta2=0.95,
    max_grad_norm=1.0,
    lr_scheduler_type="constant",
    beta=0.0,
    epsilon=0.2,
    num_iterations=1,
    max_steps=steps,
    bf16=False,
    gradient_checkpointing=False,
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
print(json.dumps({"tool": "trl", "steps": len(timer.times), "threads": torch.get_num_threads(),
                  "bf16": config.bf16, "gradient_checkpointing": config.gradient_checkpointing,
                  "seconds_per_step": statistics.median(timer.times[1:]), "cpu_seconds_per_step": statistics.median(timer.cpu[1:]),
                  "first_step_seconds": timer.times[0]}))
