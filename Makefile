# Lockstep. Set-up on a fresh machine is two commands: `make run` and `make test`.
GO      ?= go
PYTHON  ?= /usr/bin/python3
GOFLAGS ?=

.PHONY: run test test-noasm vet fmt bench fuzz golden torch build

build:
	$(GO) build $(GOFLAGS) -o bin/lockstep ./cmd/lockstep

## run: generate the default demo clip
run: build
	./bin/lockstep generate

## test: vet, then every test on the default and the portable (noasm) build
test: vet
	$(GO) test $(GOFLAGS) ./...
	$(GO) test $(GOFLAGS) -tags noasm ./...

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

fmt:
	gofmt -w .

## bench: backend kernel benchmarks (GFLOP/s and throughput as -bench metrics)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2x ./backend/cpu/

## fuzz: fuzz the safetensors header parser (FUZZTIME=5m for a longer run)
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseHeader -fuzztime $(FUZZTIME) ./weights/

## torch: install Debian's PyTorch (only for regenerating golden fixtures)
torch:
	@$(PYTHON) -c 'import torch' 2>/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy; }

## golden: regenerate the committed PyTorch golden fixtures
golden: torch
	$(PYTHON) train/golden_ops.py backend/backendtest/testdata/ops.safetensors
	$(PYTHON) train/golden_nn.py nn/testdata/layers.safetensors
