# The Seam collector distribution. Included by the root Makefile; paths are
# relative to the repository root.
#
#   make collector           build bin/seam-collector from the committed sources
#   make collector-generate  regenerate them (OCB) and the components' mdatagen code
#   make collector-check     fail if the committed generated code drifted
#   make collector-load      telemetrygen load: spans/s and points/s with and
#                            without the schema processor (BENCHMARKS.md)

GO ?= go
# The distribution and the tools are modules of their own, outside go.work.
COLLECTOR_GO   := GOWORK=off $(GO)
COLLECTOR_TOOL := cd collector && GOWORK=off $(GO) tool -modfile=tools/go.mod

.PHONY: collector collector-generate collector-check collector-load

collector:
	cd collector/cmd/seam-collector && $(COLLECTOR_GO) build -trimpath -ldflags='-s -w' -o ../../../bin/seam-collector .

collector-generate:
	$(COLLECTOR_TOOL) builder --config manifest.yaml --skip-compilation
	$(COLLECTOR_TOOL) mdatagen processor/schemaprocessor/metadata.yaml
	$(COLLECTOR_TOOL) mdatagen ../exporters/prometheusexporter/metadata.yaml

collector-check: collector-generate
	@git diff --exit-code -- collector/cmd collector/processor exporters || \
	  (echo "generated collector code drifted: run make collector-generate and commit" >&2; exit 1)
	@test -z "$$(git status --porcelain -- collector/cmd collector/processor exporters)" || \
	  (git status --porcelain -- collector/cmd collector/processor exporters; \
	   echo "untracked generated files: run make collector-generate and commit" >&2; exit 1)

collector-load: collector
	bash collector/load/run.sh
