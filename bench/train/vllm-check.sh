#!/usr/bin/env bash
# For a machine with a GPU and vLLM installed (never run by CI): starts a real `vllm serve` with
# runtime LoRA loading, runs 5 steps of `boxed train` whose rollouts are sampled by vLLM with
# `rollout.sync: lora` (the trainer's engine exports its adapter every step, vLLM loads it through
# POST /v1/load_lora_adapter and the next step samples with the new adapter's name), and prints the
# step-time split from metrics.jsonl.
#   bench/train/vllm-check.sh MODEL_DIR [PORT=8011]
# MODEL_DIR: a local HF causal LM vLLM can serve with LoRA (e.g. Qwen/Qwen2.5-0.5B-Instruct downloaded
# with `huggingface-cli download`). Run from the repository root after `make setup` (torch with CUDA
# in .venv for the trainer; vllm on PATH). Both processes share the GPU: vLLM takes 40% of its memory.
set -euo pipefail
MODEL=${1:?usage: bench/train/vllm-check.sh MODEL_DIR [PORT]}
PORT=${2:-8011}
OUT=$(mktemp -d -t boxed-vllm-check-XXXX)
command -v vllm >/dev/null || { echo "vllm is not on PATH (pip install vllm)" >&2; exit 1; }

# vLLM registers /v1/load_lora_adapter and /v1/unload_lora_adapter only with this variable set
# (vllm/entrypoints/openai/api_server.py). The trainer keeps two adapters loaded (the one in use and
# the new one), so two LoRA slots; rank 16 = vLLM's default --max-lora-rank.
export VLLM_ALLOW_RUNTIME_LORA_UPDATING=True
vllm serve "$MODEL" --port "$PORT" --served-model-name base --enable-lora --max-loras 2 \
  --max-cpu-loras 4 --max-lora-rank 16 --gpu-memory-utilization 0.4 >"$OUT/vllm.log" 2>&1 &
VLLM_PID=$!
trap 'kill "$VLLM_PID" 2>/dev/null || true' EXIT
echo "vllm serve started (pid $VLLM_PID, log $OUT/vllm.log); waiting for /v1/models ..."
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null && break
  kill -0 "$VLLM_PID" 2>/dev/null || { tail -30 "$OUT/vllm.log"; exit 1; }
  sleep 1
done

# Temperature 1, top-p 1, top-k off: vLLM's default log-probs (the raw model's) are then exactly the
# sampling distribution's, as the trainer scores it (at T ≠ 1 start vLLM with --logprobs-mode processed_logprobs).
cat >"$OUT/config.yaml" <<EOF
out: $OUT/run
steps: 5
promptsPerStep: 16
groupSize: 8
model: { path: $MODEL, dtype: bfloat16, loraRank: 16, loraAlpha: 32, loraTargets: "q_proj,k_proj,v_proj,o_proj" }
data: { task: addition, difficulty: 3, template: raw }
sampling: { maxTokens: 16, temperature: 1 }
optimizer: { learningRate: 1e-5 }
evaluation: { problems: 0 }
checkpointEvery: 0
rolloutCorrection: { mode: token_truncate, threshold: 2 }
rollout: { backend: openai, baseUrls: ["http://127.0.0.1:$PORT/v1"], model: base, sync: lora, syncEvery: 1, maxStaleness: 1, correction: correct }
EOF
npx tsx src/cli/main.ts train --config "$OUT/config.yaml"

node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
const keys = ["wallSeconds", "samplingSeconds", "rolloutWaitSeconds", "trainingSeconds", "syncSeconds",
  "rolloutTokensPerSecond", "staleness", "samplerTrainerKl", "correctionWeightMean"];
console.log(["step", ...keys].map((k) => k.padStart(12)).join(" "));
for (const row of rows) console.log([row.step, ...keys.map((k) => row[k] ?? NaN)]
  .map((v) => (Number.isInteger(v) ? String(v) : v.toFixed(4)).padStart(12)).join(" "));
' "$OUT/run/metrics.jsonl"
echo "run directory: $OUT/run (report.html); vLLM log: $OUT/vllm.log"
