"""Grades a boxed-grade JSONL file with HuggingFace Math-Verify on one core; prints one JSON line.

Run by bench/verify/grade-throughput.ts inside .bench-venv-mathverify/ (math-verify from PyPI).
Each row: gold, pred, expected. Timed: parse(gold), parse(pred), verify(gold, pred) per row, as
Math-Verify's README uses them, the gold wrapped in `$...$` as its README advises for bare LaTeX;
the import is timed apart. Its parse cache is left on (its default).
"""

import json
import sys
import time

started = time.perf_counter()
from math_verify import parse, verify  # noqa: E402

import_seconds = time.perf_counter() - started

rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf8") if line.strip()]
agreed = 0
correct = 0
started = time.perf_counter()
cpu_started = time.process_time()
row_seconds = []
row_cpu_seconds = []
for row in rows:
    row_started = time.perf_counter()
    row_cpu_started = time.process_time()
    verdict = bool(verify(parse(f"${row['gold']}$"), parse(row["pred"])))
    row_seconds.append(time.perf_counter() - row_started)
    row_cpu_seconds.append(time.process_time() - row_cpu_started)
    correct += verdict
    agreed += verdict == row["expected"]
seconds = time.perf_counter() - started
cpu_seconds = time.process_time() - cpu_started
print(
    json.dumps(
        {
            "rows": len(rows),
            "seconds": seconds,
            "import_seconds": import_seconds,
            "cpu_seconds": cpu_seconds,
            "p99_ms": 1000 * sorted(row_seconds)[max(0, -(-99 * len(row_seconds) // 100) - 1)],
            "p99_cpu_ms": 1000 * sorted(row_cpu_seconds)[max(0, -(-99 * len(row_cpu_seconds) // 100) - 1)],
            "correct": correct,
            "agreed": agreed,
        }
    )
)
