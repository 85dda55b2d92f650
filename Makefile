# Seam: the two commands a fresh machine needs are `make demo` and `make test`.
GO    ?= go
CARGO ?= cargo
SEAM  := $(GO) run ./cmd/seam

# Every Go module of the workspace; each is vetted and tested on its own.
# Tests run with -count=1: several run binaries and Rust libraries built
# outside go's knowledge, so a cached pass could be stale.
GO_MODULES := $(shell awk '/^use \(/{f=1; next} f && /^\)/{f=0} f {print $$1}' go.work)

.PHONY: demo run test deps schema-check generate generate-check fmt-check test-go test-rust conformance

# The main job: build the collector and the pricing example, run them with
# load, and print where to look. DEMO_ARGS passes flags, e.g. --duration 2m.
demo:
	$(SEAM) demo $(DEMO_ARGS)

# The schema's own job: validate it and prove every generated file matches it.
run: schema-check generate-check

test: deps generate-check collector-check fmt-check test-go test-rust example-check dashboards-check alerts-check supply-chain-check fuzz-short

# Installs what the suite needs on a fresh machine (Go modules, crates, Debian packages).
deps:
	bash .ci/deps.sh prometheus prometheus-alertmanager chromium

schema-check:
	$(SEAM) schema check schema

generate:
	$(SEAM) schema generate

generate-check:
	$(SEAM) schema generate --check

conformance:
	$(SEAM) conformance

# Formatting is part of the suite: gofmt over every Go file but the OCB output
# (collector-check covers that), rustfmt over both crates.
fmt-check:
	@out="$$(git ls-files -co --exclude-standard -- '*.go' ':!collector/cmd/seam-collector' | xargs gofmt -l)"; \
	  test -z "$$out" || { echo "gofmt would change:"; echo "$$out"; exit 1; } >&2
	cd sdk-rust && $(CARGO) fmt --all --check
	cd examples/pricing/rust && $(CARGO) fmt --check

# The collector and the example's binaries are built first, once: a cold
# build inside a test binary counts against its timeout, and packages
# testing in parallel would each build the same collector at once.
test-go: collector example
	@set -e; for m in $(GO_MODULES); do \
	  echo "== go vet + go test: $$m"; \
	  (cd $$m && $(GO) vet ./... && SEAM_COLLECTOR_BIN=$(CURDIR)/bin/seam-collector $(GO) test -count=1 ./...); \
	done

test-rust:
	cd sdk-rust && $(CARGO) clippy --locked --all-targets --all-features -- -D warnings && $(CARGO) test --locked --all-features

# Each Go fuzz target for FUZZTIME beyond its committed corpus
# (testdata/fuzz, which plain go test replays in test-go). Minimising a
# find is bounded, so it costs seconds rather than the default minute.
FUZZTIME ?= 10s
FUZZ = $(GO) test -run '^$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 50x -fuzz
.PHONY: fuzz-short
fuzz-short:
	cd sdk-go && $(FUZZ) '^FuzzString$$' ./redact/
	$(FUZZ) '^FuzzLoad$$' ./internal/registry/
	$(FUZZ) '^FuzzOTLPJSON$$' ./collector/processor/schemaprocessor/
	$(FUZZ) '^FuzzExposition$$' ./exporters/prometheusexporter/
	$(FUZZ) '^FuzzCheckProto$$' ./collector/extension/guardextension/

# Dashboards and alert rules: the generators write dashboards/*.json and
# alerts/slo.rules.yaml; the checks fail if either drifted from what they
# make, lint every PromQL expression against the schema, and run promtool.
.PHONY: dashboards-generate dashboards-check alerts-check
PROMTOOL ?= promtool
AMTOOL   ?= amtool

dashboards-generate:
	$(GO) run ./dashboards/cmd/gen
	$(GO) run ./dashboards/cmd/slorules

dashboards-check:
	cd dashboards && $(GO) vet ./... && $(GO) test -count=1 ./...

alerts-check:
	$(PROMTOOL) check rules alerts/*.rules.yaml
	$(PROMTOOL) test rules alerts/tests/*.yaml
	$(PROMTOOL) check config deploy/prometheus/prometheus.yml
	$(AMTOOL) check-config deploy/alertmanager/alertmanager.yml
	cd dashboards && $(GO) test -count=1 ./slo/ ./lint/

# Logs under sustained load, Go then Rust: a tight logging loop for 60 s
# into a real OTLP receiver (the collector's own in Go), every record
# received and none dropped (the suite runs the same tests for 3 s).
.PHONY: log-soak
log-soak:
	cd sdk-go/internal/exporttest && SEAM_LOG_SOAK=60s $(GO) test -count=1 -run TestLogSoak -v -timeout 5m .
	cd sdk-rust && SEAM_LOG_SOAK=60s $(CARGO) test --locked --all-features --test log_soak -- --nocapture

# What Seam costs the pricing orchestrator end to end: the same fixed load
# without Seam (OTEL_SDK_DISABLED), with the collector up and with it down,
# interleaved; p50, p99 and CPU per request as ratios (OVERHEAD_ARGS passes
# flags, e.g. --rate 400 --rounds 5). e2e's TestOverheadRunsEveryMode is
# the short version in the suite.
.PHONY: bench-overhead
bench-overhead: collector example
	$(SEAM) overhead $(OVERHEAD_ARGS)

include collector/collector.mk
include examples/pricing/example.mk
include supplychain/supplychain.mk
