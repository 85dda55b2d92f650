# Supply-chain checks. Included by the root Makefile; paths are relative to
# the repository root.
#
#   make supply-chain-check  (in `make test`, offline) SBOMs, the license policy
#                            over Rust and Go, go mod verify for every module,
#                            --locked cargo everywhere, a reproducible collector
#   make sbom                CycloneDX SBOMs of the collector, the Go SDK and the
#                            Rust crates into $(SBOM_DIR)
#   make collector-reproducible-cold
#                            the reproducible build with the second build in an
#                            empty Go cache (every package compiled again)
#   make vuln-check          govulncheck and cargo audit: they need the Go and
#                            RustSec advisory databases, so networked CI only

GO    ?= go
CARGO ?= cargo
SBOM_DIR ?= build/sbom
SUPPLY_GO := cd supplychain && GOWORK=off $(GO)
# The one policy file of both languages; cargo-deny runs offline (it would
# otherwise fetch the advisory database even for the license check).
CARGO_DENY := $(CARGO) deny --offline --locked --config $(CURDIR)/supplychain/deny.toml
RUST_CRATES := sdk-rust examples/pricing/rust

.PHONY: supply-chain-check sbom license-check go-mod-verify cargo-locked-check collector-reproducible collector-reproducible-cold vuln-check

supply-chain-check: license-check go-mod-verify cargo-locked-check collector-reproducible
	$(SUPPLY_GO) vet ./... && GOWORK=off $(GO) test -count=1 ./...

sbom:
	bash supplychain/sbom.sh $(SBOM_DIR)

# Rust: every crate against deny.toml, and the GPL fixture crate must be
# refused; Go: every module the SBOMs list against the same allow list (its
# tests hold the refusals).
license-check: sbom
	@set -e; for c in $(RUST_CRATES); do echo "== cargo deny: $$c"; (cd $$c && $(CARGO_DENY) check licenses bans sources); done
	@out=$$(mktemp) && cd supplychain/testdata/gpl-crate && \
	  if $(CARGO_DENY) check licenses >$$out 2>&1; then cat $$out; echo "cargo deny accepted a GPL-3.0-only crate" >&2; exit 1; \
	  elif ! grep -q 'GPL-3.0-only' $$out; then cat $$out >&2; exit 1; fi; \
	  rm -f $$out; echo "cargo deny refuses the GPL-3.0-only fixture crate"
	$(SUPPLY_GO) run ./cmd/licensepolicy -policy deny.toml -clarify go-licenses.toml \
	  $(abspath $(SBOM_DIR))/seam-collector.cdx.json $(abspath $(SBOM_DIR))/seam-sdk-go.cdx.json

# Every module's own build list (GOWORK=off), not the workspace's union: that
# is what a service importing the SDK downloads.
go-mod-verify:
	@set -e; for m in $$(git ls-files '*go.mod'); do d=$$(dirname $$m); \
	  printf '%s: ' "$$d"; (cd $$d && GOWORK=off $(GO) mod verify); done

cargo-locked-check:
	bash supplychain/locked.sh

collector-reproducible:
	COLLECTOR_BUILD_FLAGS="$(COLLECTOR_BUILD_FLAGS)" bash supplychain/reproducible.sh

collector-reproducible-cold:
	COLD=1 COLLECTOR_BUILD_FLAGS="$(COLLECTOR_BUILD_FLAGS)" bash supplychain/reproducible.sh

# Networked CI only: both fetch their advisory databases. The tools are
# installed here, not by deps, as the offline suite never runs them.
CARGO_AUDIT_VERSION ?= 0.22.2
vuln-check:
	$(SUPPLY_GO) build -o $(CURDIR)/bin/govulncheck golang.org/x/vuln/cmd/govulncheck
	@set -e; for m in $$(git ls-files '*go.mod'); do d=$$(dirname $$m); \
	  echo "== govulncheck: $$d"; (cd $$d && GOWORK=off $(CURDIR)/bin/govulncheck ./...); done
	$(CARGO) audit --version >/dev/null 2>&1 || $(CARGO) install --locked cargo-audit@$(CARGO_AUDIT_VERSION)
	@set -e; for c in $(RUST_CRATES); do echo "== cargo audit: $$c"; (cd $$c && $(CARGO) audit); done
