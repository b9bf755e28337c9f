# Sunshine's tasks. `make help` lists them.
# The go.mod toolchain line (a patched Go) is honoured only with GOTOOLCHAIN=auto;
# the go command then fetches that toolchain through the module proxy once.
export GOTOOLCHAIN := auto
GO ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
BIN := bin/sunshine

.DEFAULT_GOAL := help
.PHONY: help run build test bench lint check fuzz fmt clean db-stop

help: ## list the targets
	@grep -E '^[a-z/-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

run: ## run Sunshine with demo data (finds or starts PostgreSQL)
	./scripts/run.sh

build: ## build bin/sunshine
	$(GO) build -trimpath -o $(BIN) ./cmd/sunshine

test: ## run every test with the race detector
	./scripts/test.sh

bench: ## run the Go benchmarks (1,000,000 requests for planning; SUNSHINE_BENCH_REQUESTS to change)
	./scripts/bench.sh

.PHONY: bench-quick bench-full
bench-quick: ## run the benchmark harness in quick mode (scale 0.01, 3 s per scenario; about a minute)
	./scripts/bench-harness.sh -quick

bench-full: ## run the benchmark harness at default scale (1,000,000 requests; docs/performance.md)
	./scripts/bench-harness.sh

check: lint ## lint, then govulncheck against an offline vulnerability database
	./scripts/vulncheck.sh

fuzz: ## run every fuzz target for FUZZTIME each (default 10s), keeping their corpora in testdata/fuzz
	./scripts/fuzz.sh

.PHONY: test-faults
test-faults: ## run the fault suite: database restart, SMTP outages, kill -9, two replicas (faults/results.json)
	./scripts/faults.sh

lint: ## gofmt, go vet and staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

db-stop: ## stop the private PostgreSQL that make run/test may have started
	./scripts/db.sh stop

clean: ## remove build output
	rm -rf bin
