# Seam: the two commands a fresh machine needs are `make run` and `make test`.
GO    ?= go
CARGO ?= cargo
SEAM  := $(GO) run ./cmd/seam

.PHONY: run test deps schema-check generate generate-check test-go test-rust

# The main job on its embedded default: validate the schema and prove every
# generated artifact matches it.
run: schema-check generate-check

test: deps generate-check test-go test-rust

# Installs what the suite needs on a fresh machine (Go modules, crates, Debian packages).
deps:
	bash .ci/deps.sh prometheus

schema-check:
	$(SEAM) schema check schema

generate:
	$(SEAM) schema generate

generate-check:
	$(SEAM) schema generate --check

# Every Go module in go.work: vet and test.
test-go:
	$(GO) vet ./... && $(GO) test ./...
	cd sdk-go && $(GO) vet ./... && $(GO) test ./...

test-rust:
	cd sdk-rust && $(CARGO) clippy --all-targets --all-features -- -D warnings && $(CARGO) test --all-features
