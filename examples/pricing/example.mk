# The pricing example: the Rust staticlib and pricing-service (release), and the Go
# orchestrator that links the staticlib. Included from the root Makefile; also runs on its
# own from the repository root: make -f examples/pricing/example.mk example
#
#   bin/pricing-orchestrator              the Go orchestrator (links the staticlib)
#   bin/pricing-service                   the Rust HTTP service
#   bin/pricing-worker                    the Rust queue consumer (receipts over NATS)
#   sdk-rust/target/pricing/libpricing.a  the staticlib, where examples/pricing/ffi links it
#
# Cargo builds into sdk-rust/target, the SDK's own target directory, so the two share one
# build cache. The staticlib and the service are copied out of cargo's directory through a
# temporary file each (named by the shell's PID, as two test packages may run this at once),
# so a link never reads a library that cargo or another copy is rewriting.

GO    ?= go
CARGO ?= cargo

PRICING_ROOT   := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
PRICING_TARGET := $(PRICING_ROOT)/sdk-rust/target
PRICING_LIBDIR := $(PRICING_TARGET)/pricing
PRICING_BIN    := $(PRICING_ROOT)/bin

.PHONY: example example-rust example-test example-check

# go build does not hash the staticlib #cgo LDFLAGS names, and keeps an
# existing binary whose Go inputs did not change: a search directory named
# after the library's contents puts the Rust code into the build key.
example: example-rust
	sum=$$(sha256sum $(PRICING_LIBDIR)/libpricing.a | cut -c1-16) && mkdir -p $(PRICING_LIBDIR)/by-content/$$sum && \
	cd $(PRICING_ROOT)/examples && CGO_LDFLAGS="$$CGO_LDFLAGS -L$(PRICING_LIBDIR)/by-content/$$sum" \
	  $(GO) build -o $(PRICING_BIN)/pricing-orchestrator ./pricing/orchestrator

# The staticlib, pricing-service and pricing-worker; the Go tests run this themselves.
example-rust:
	cd $(PRICING_ROOT)/examples/pricing/rust && CARGO_TARGET_DIR=$(PRICING_TARGET) $(CARGO) build --locked --release
	mkdir -p $(PRICING_LIBDIR) $(PRICING_BIN)
	cp $(PRICING_TARGET)/release/libpricing.a $(PRICING_LIBDIR)/.libpricing.a.$$$$ && \
	  mv -f $(PRICING_LIBDIR)/.libpricing.a.$$$$ $(PRICING_LIBDIR)/libpricing.a
	cp $(PRICING_TARGET)/release/pricing-service $(PRICING_BIN)/.pricing-service.$$$$ && \
	  mv -f $(PRICING_BIN)/.pricing-service.$$$$ $(PRICING_BIN)/pricing-service
	cp $(PRICING_TARGET)/release/pricing-worker $(PRICING_BIN)/.pricing-worker.$$$$ && \
	  mv -f $(PRICING_BIN)/.pricing-worker.$$$$ $(PRICING_BIN)/pricing-worker

# Rust lint and unit tests, in the release profile so they reuse example-rust's build.
example-check:
	cd $(PRICING_ROOT)/examples/pricing/rust && CARGO_TARGET_DIR=$(PRICING_TARGET) $(CARGO) clippy --locked --release --all-targets -- -D warnings
	cd $(PRICING_ROOT)/examples/pricing/rust && CARGO_TARGET_DIR=$(PRICING_TARGET) $(CARGO) test --locked --release

# Everything the example tests: Rust lint and tests, then the Go module's vet and tests
# (which include the cross-language FFI tests and the end-to-end process test).
example-test: example example-check
	cd $(PRICING_ROOT)/examples && $(GO) vet ./... && $(GO) test ./...
