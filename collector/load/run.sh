#!/usr/bin/env bash
# Reproducible collector load test (see BENCHMARKS.md, "Collector"):
# builds bin/seam-collector and telemetrygen v0.161.0, then measures
# (a) OTLP→batch→nop against (b) OTLP→seam_schema→batch→nop in one run.
# Extra arguments go to the driver: -duration 15s -workers 2 -rounds 2.
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s -f collector/collector.mk collector
exec go run ./collector/load "$@"
