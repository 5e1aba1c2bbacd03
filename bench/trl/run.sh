#!/usr/bin/env bash
# TRL GRPOTrainer vs boxed train on the same config, alternating runs, medians, load stated:
#   bash bench/trl/run.sh [runs=3] [steps=12] [threads=1]      (see bench/trl/compare.ts for the config)
# Set-up once (TRL lives in its own venv, never in .venv):
#   python3 -m venv .bench-venv-trl
#   echo "$PWD/.venv/lib/python3.11/site-packages" > .bench-venv-trl/lib/python3.11/site-packages/boxed-venv.pth
#   .bench-venv-trl/bin/pip install --no-deps trl==1.16.0 && .bench-venv-trl/bin/pip install datasets pandas
# (torch 2.13.0 CPU, transformers and accelerate come from the project's .venv through the .pth file.)
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "load before: $(cat /proc/loadavg)" >&2
npx tsx bench/trl/compare.ts "$@"
echo "load after: $(cat /proc/loadavg)" >&2
