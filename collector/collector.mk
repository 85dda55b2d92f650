# The Seam collector distribution. Included by the root Makefile; paths are
# relative to the repository root.
#
#   make collector           build bin/seam-collector from the committed sources
#   make collector-generate  regenerate them (OCB) and the components' mdatagen code
#   make collector-check     fail if the generated code differs from what the
#                            generators make of the work tree (regenerated in a copy)
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
	$(COLLECTOR_TOOL) mdatagen extension/guardextension/metadata.yaml
	$(COLLECTOR_TOOL) mdatagen ../exporters/prometheusexporter/metadata.yaml

collector-check:
	bash collector/check-generated.sh

collector-load: collector
	bash collector/load/run.sh
