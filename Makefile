# Lockstep. Set-up on a fresh machine is two commands: `make run` and `make test`.
GO      ?= go
PYTHON  ?= /usr/bin/python3
GOFLAGS ?=

.PHONY: run test vet fmt bench bench-torch fuzz golden torch build train-demo openblas

build:
	$(GO) build $(GOFLAGS) -o bin/lockstep ./cmd/lockstep

## run: generate the default demo clip into out/
PROMPT ?= two small red balls bounce on a grey floor
run: build
	@mkdir -p out
	./bin/lockstep generate --prompt "$(PROMPT)" --seed 1 --out out/demo.avi

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

## bench-torch: Lockstep vs PyTorch 1.13 (OpenBLAS, same weights) ratio table, 1 and 2 threads (~4 min)
bench-torch: torch openblas
	$(PYTHON) bench/torch_compare.py --threads 1,2 --runs 7 --md docs/bench/cpu_vs_torch_table.md

## fuzz: fuzz every parser of untrusted input, FUZZTIME each (FUZZTIME=5m for a longer run)
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseHeader -fuzztime $(FUZZTIME) ./weights/
	$(GO) test -run '^$$' -fuzz FuzzReadAVI -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./media/
	$(GO) test -run '^$$' -fuzz FuzzReadWAV -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./media/

## torch: install Debian's PyTorch (only for regenerating golden fixtures)
torch:
	@$(PYTHON) -c 'import torch' 2>/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy; }

## golden: regenerate the committed PyTorch golden fixtures
golden: torch
	$(PYTHON) train/golden_ops.py backend/backendtest/testdata/ops.safetensors
	$(PYTHON) train/golden_nn.py nn/testdata/layers.safetensors
	$(PYTHON) train/golden_demo.py --tiny-random model/demo/testdata/golden_tiny.safetensors

## openblas: Debian's torch links the reference BLAS; OpenBLAS is ~25x faster for training
OPENBLAS_LIB = /usr/lib/x86_64-linux-gnu/openblas-pthread
openblas:
	@test -d $(OPENBLAS_LIB) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas0-pthread; }

## train-demo: train the demo model from a seed on the CPU (resumable; work files in work/demo)
DEMO_CKPT = model/demo/checkpoint/lockstep-demo.safetensors
train-demo: torch openblas
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE LD_LIBRARY_PATH=$(OPENBLAS_LIB) OPENBLAS_THREAD_TIMEOUT=4 OMP_WAIT_POLICY=PASSIVE $(PYTHON) train/train_demo.py --work work/demo --out $(DEMO_CKPT)
	$(PYTHON) train/golden_demo.py --checkpoint $(DEMO_CKPT) model/demo/testdata/golden_checkpoint.safetensors
	$(GO) run ./cmd/lockstep inspect $(DEMO_CKPT)
