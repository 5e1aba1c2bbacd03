#!/usr/bin/env bash
# The distributed engine on a GPU machine — never needed by CI (docs/engine.md, "Several processes").
#   bench/engine/cuda-check.sh
# 1. engine/tests/test_distributed.py on CUDA: torchrun ranks on NCCL (one per GPU) against one plain CUDA
#    process, float32, the same tolerances as on CPU;
# 2. bench/engine/rank-bytes.py with the bf16 policy (bf16 compute, fp32 master weights and gradient
#    reduction) for the small and medium presets: per-rank bytes, median step time, peak memory.
# Python packages missing on the machine (fastapi, uvicorn, pydantic, ...) may sit as wheels in .whl/:
# they are installed into /tmp/site first.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
if compgen -G ".whl/*.whl" > /dev/null; then
  "$PYTHON" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
  export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}
fi
export PYTHONPATH=engine${PYTHONPATH:+:$PYTHONPATH}
GPUS=$("$PYTHON" -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.cuda.device_count())")
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
"$PYTHON" -c "import torch, torch.distributed as d; print('torch', torch.__version__, 'nccl', d.is_nccl_available() and torch.cuda.nccl.version())"
echo "== equality tests: $GPUS NCCL rank(s) vs one CUDA process"
BOXED_TEST_DEVICE=cuda BOXED_TEST_RANKS=$GPUS "$PYTHON" -m pytest engine/tests/test_distributed.py -q -x -p no:cacheprovider
for preset in small medium; do
  echo "== $preset: bf16 policy, $GPUS rank(s)"
  "$PYTHON" bench/engine/rank-bytes.py --device cuda --dtype bfloat16 --preset "$preset" --ranks "$GPUS" --steps 10
done
