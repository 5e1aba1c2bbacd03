#!/usr/bin/env bash
# Runs every check: lint, type-check, TypeScript tests (vitest), Python tests (pytest),
# then prints one summary line summed over both suites: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
out=.test-artifacts
rm -rf "$out" && mkdir -p "$out"
status=0

echo "== lint (biome)"
npx biome check . || status=1
echo "== type-check (tsc)"
npx tsc --noEmit -p tsconfig.json || status=1

echo "== TypeScript tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$out/vitest.json" || status=1

echo "== Python tests (pytest)"
.venv/bin/python -m pytest engine/tests -q --junitxml="$out/pytest.xml"
# exit 5 is pytest's "no tests collected": a suite that found nothing has failed, not passed.
[ "$?" -eq 0 ] || status=1

node scripts/test-summary.mjs "$out/vitest.json" "$out/pytest.xml" || status=1
exit "$status"
