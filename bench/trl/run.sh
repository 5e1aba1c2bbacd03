#!/usr/bin/env bash
# TRL GRPOTrainer vs boxed train: 20 steps each, same tiny model (assets/demo/model), same prompts
# (the demo's first 20 batches), 32 prompts x 8 samples, max 6 tokens, exact-answer reward, clip 0.2,
# no KL, lr 3e-4 constant, AdamW beta2 0.95, grad clip 1. Prints seconds per step (steps 2-20).
# Set-up once: python3 -m venv .bench-venv-trl
#   echo "$PWD/.venv/lib/python3.11/site-packages" > .bench-venv-trl/lib/python3.11/site-packages/boxed-venv.pth
#   .bench-venv-trl/bin/pip install --no-deps trl==1.16.0 accelerate && .bench-venv-trl/bin/pip install datasets pandas
# (torch 2.13.0 CPU and transformers come from the project's .venv through the .pth file.)
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
npx tsx bench/trl/prompts.ts > "$work/prompts.jsonl"
.bench-venv-trl/bin/python bench/trl/trl_grpo.py assets/demo/model "$work/prompts.jsonl" 2>/dev/null | tail -1
npx tsx src/cli/main.ts train --out "$work/boxed" --model assets/demo/model --steps 20 \
  --set data.difficulty=2 --set sampling.maxTokens=6 --set evaluation.problems=200 \
  --set evaluation.every=0 --set checkpointEvery=0 >/dev/null 2>&1
node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse).slice(1);
const mean = rows.reduce((sum, row) => sum + row.stepSeconds, 0) / rows.length;
console.log(JSON.stringify({ tool: "boxed", steps: rows.length + 1, seconds_per_step: mean }));' "$work/boxed/metrics.jsonl"
