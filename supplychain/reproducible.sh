#!/usr/bin/env bash
# Builds the collector twice from two clean clones of HEAD, at different
# paths, with `make collector`'s flags ($COLLECTOR_BUILD_FLAGS), and fails
# unless both binaries have the same sha256.
#
# By default both builds share the Go build cache, so the second one links
# the first one's compiled packages: that shows the binary does not depend on
# the checkout's path or state, nor on anything the linker adds, in seconds.
# COLD=1 gives the second build an empty cache of its own, so every package,
# the standard library included, is compiled again (minutes on two cores:
# `make collector-reproducible-cold`).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
: "${COLLECTOR_BUILD_FLAGS:?set by the Makefile: the flags of make collector}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rev="$(git -C "$root" rev-parse HEAD)"

build() { # build NAME CLONE_DIR [ENV...]
  local name="$1" dir="$2"
  shift 2
  git clone -q --local "$root" "$dir"
  git -C "$dir" checkout -q --detach "$rev"
  local start=$SECONDS
  (cd "$dir/collector/cmd/seam-collector" &&
    eval "env GOWORK=off GOFLAGS=-mod=readonly $* go build $COLLECTOR_BUILD_FLAGS -o '$work/$name' .")
  echo "$name: built in $((SECONDS - start)) s at $dir"
}

build first "$work/a/seam"
if [ "${COLD:-0}" = 1 ]; then
  build second "$work/b/elsewhere/checkout" "GOCACHE='$work/gocache'"
else
  build second "$work/b/elsewhere/checkout"
fi
first="$(sha256sum "$work/first" | cut -d' ' -f1)"
second="$(sha256sum "$work/second" | cut -d' ' -f1)"
if [ "$first" != "$second" ]; then
  echo "seam-collector is not reproducible at $rev: $first against $second" >&2
  exit 1
fi
echo "seam-collector reproducible at ${rev:0:12}: sha256 $first ($(stat -c %s "$work/first") bytes)"
