# Set-up is file-based so that a fresh clone installs everything and a warm one installs nothing.
PY ?= python3
TS_SOURCES := $(shell find src -name '*.ts' -not -name '*.test.ts' 2>/dev/null)

.PHONY: setup system demo test build lint clean

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

.venv/.installed: engine/pyproject.toml
	$(PY) -m venv .venv
	.venv/bin/pip install --quiet -e 'engine[test]'
	touch $@

dist/.built: node_modules/.installed tsconfig.json tsconfig.build.json $(TS_SOURCES)
	npm run build
	touch $@

build: dist/.built

system:
	bash scripts/setup-system.sh

setup: system node_modules/.installed .venv/.installed dist/.built

demo: setup
	node dist/cli/main.js demo

test: setup
	bash scripts/test.sh

lint: node_modules/.installed
	npx biome check .

clean:
	rm -rf dist node_modules .venv
