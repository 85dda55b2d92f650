#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine. Idempotent and quiet
# when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

go mod download
(cd sdk-go && go mod download)
(cd sdk-rust && cargo fetch --locked --quiet)
# The supply-chain check: the modules its SBOMs and go mod verify read, the
# crates cargo-deny reads, and its cargo tools (built once, then kept in
# ~/.cargo/bin; about 5 CPU-minutes on a fresh machine).
(cd collector/cmd/seam-collector && GOWORK=off go mod download)
(cd supplychain && GOWORK=off go mod download)
(cd examples/pricing/rust && cargo fetch --locked --quiet)
cargo_tool() { # cargo_tool SUBCOMMAND CRATE VERSION
  cargo "$1" --version 2>/dev/null | grep -qF "$3" || cargo install --locked --quiet "$2@$3"
}
cargo_tool deny cargo-deny 0.20.2
cargo_tool cyclonedx cargo-cyclonedx 0.5.9
