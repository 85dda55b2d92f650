# The Seam collector distribution. Included by the root Makefile; paths are
# relative to the repository root.
#
#   make collector           build bin/seam-collector from the committed sources
#   make collector-generate  regenerate them (OCB) and the components' mdatagen code
#   make collector-check     fail if the generated code differs from what the
#                            generators make of the work tree (regenerated in a copy)
#   make bench-collector     side by side on one pinned core: seam-collector
#                            (passthrough, seam_schema on conformant and foreign
#                            data) against an upstream otelcol of the same
#                            release (transform + redaction), BENCHMARKS.md;
#                            BENCH_ARGS='-duration 8s -rounds 2 ...' go to the
#                            generator (go run ./collector/load -h)
#   make collector-load      the same
#   make collector-soak      the gateway under 2x sustained overload for 60 s
#                            (the suite runs 10 s of it; RELIABILITY.md)

GO ?= go
# The distribution and the tools are modules of their own, outside go.work.
COLLECTOR_GO   := GOWORK=off $(GO)
COLLECTOR_TOOL := cd collector && GOWORK=off $(GO) tool -modfile=tools/go.mod
# The release build's flags; supplychain/reproducible.sh builds with the same.
COLLECTOR_BUILD_FLAGS := -trimpath -ldflags='-s -w'

.PHONY: collector collector-generate collector-check collector-load collector-soak bench-collector

collector:
	cd collector/cmd/seam-collector && $(COLLECTOR_GO) build $(COLLECTOR_BUILD_FLAGS) -o ../../../bin/seam-collector .

collector-generate:
	$(COLLECTOR_TOOL) builder --config manifest.yaml --skip-compilation
	$(COLLECTOR_TOOL) mdatagen processor/schemaprocessor/metadata.yaml
	$(COLLECTOR_TOOL) mdatagen extension/guardextension/metadata.yaml
	$(COLLECTOR_TOOL) mdatagen extension/exporthealthextension/metadata.yaml
	$(COLLECTOR_TOOL) mdatagen ../exporters/prometheusexporter/metadata.yaml

collector-check:
	bash collector/check-generated.sh

# The upstream collector is built by OCB outside git (build/ is ignored),
# only here: never in the test suite.
BENCH_DIR         := build/bench
UPSTREAM_OTELCOL  := $(BENCH_DIR)/otelcol-upstream/otelcol-upstream
BENCH_ARGS        ?=

$(UPSTREAM_OTELCOL): collector/load/upstream-manifest.yaml collector/tools/go.mod
	$(COLLECTOR_TOOL) builder --config load/upstream-manifest.yaml

# The collector runs on CPU 1 (the generator pins it there), the generator
# on CPU 0.
bench-collector: collector $(UPSTREAM_OTELCOL)
	$(GO) build -o $(BENCH_DIR)/load ./collector/load
	taskset -c 0 $(BENCH_DIR)/load -seam bin/seam-collector -upstream $(UPSTREAM_OTELCOL) -collector-cpu 1 $(BENCH_ARGS)

collector-load: bench-collector

# SEAM_SOAK_DURATION=5m make collector-soak soaks longer.
collector-soak: collector
	SEAM_COLLECTOR_BIN=$(CURDIR)/bin/seam-collector SEAM_SOAK_DURATION=$${SEAM_SOAK_DURATION:-60s} \
		$(GO) test -count=1 -v -timeout 30m -run '^TestGatewaySustainedOverload$$' ./collector/pipelinetest/
