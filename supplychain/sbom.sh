#!/usr/bin/env bash
# Writes CycloneDX SBOMs (JSON) of what this repository ships into $1
# (default build/sbom): the collector binary (seam-collector.cdx.json, what
# `go build` links), the Go SDK module (seam-sdk-go.cdx.json, its whole
# module graph), and the Rust crates (seam.cdx.json, pricing.cdx.json, every
# dependency for the host target with all features).
#
# They describe HEAD, from a clean local clone: cyclonedx-gomod hashes the
# directories of locally replaced modules (the repository root, for the
# collector), which in a work tree would mean gigabytes of build output, and
# takes the version from git. Offline: every module and crate comes from the
# caches `make deps` fills.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:-$root/build/sbom}" && cd "${1:-$root/build/sbom}" && pwd)"
src="$(mktemp -d)"
trap 'rm -rf "$src"' EXIT
git clone -q --local "$root" "$src/seam"
git -C "$src/seam" checkout -q --detach "$(git -C "$root" rev-parse HEAD)"

export GOWORK=off GOFLAGS=-mod=readonly CARGO_NET_OFFLINE=true
# The commit's time, so that two runs over one commit write the same files
# but for the serial number.
SOURCE_DATE_EPOCH="$(git -C "$root" log -1 --format=%ct)"
export SOURCE_DATE_EPOCH

cd "$root/supplychain"
go tool cyclonedx-gomod app -json -licenses -notimestamp \
  -output "$out/seam-collector.cdx.json" -main . "$src/seam/collector/cmd/seam-collector" 2>"$src/gomod.log" ||
  { cat "$src/gomod.log" >&2; exit 1; }
go tool cyclonedx-gomod mod -json -licenses -notimestamp \
  -output "$out/seam-sdk-go.cdx.json" "$src/seam/sdk-go" 2>"$src/gomod.log" ||
  { cat "$src/gomod.log" >&2; exit 1; }

for crate in sdk-rust:seam examples/pricing/rust:pricing; do
  dir="$src/seam/${crate%%:*}" name="${crate##*:}"
  (cd "$dir" && cargo cyclonedx --quiet --format json --spec-version 1.5 --all-features \
    --manifest-path Cargo.toml --override-filename "$name.cdx")
  cp "$dir/$name.cdx.json" "$out/$name.cdx.json"
done
echo "SBOMs of $(git -C "$root" rev-parse --short HEAD) in $out: $(cd "$out" && ls ./*.cdx.json | tr '\n' ' ')"
