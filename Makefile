# Marketing Minds. `make help` lists the targets.
GO        ?= go
BIN       := bin/marketingminds
PKGS      := ./...
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-8s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build the binary into bin/ (pure Go: CGO_ENABLED=0 works)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/marketingminds

.PHONY: run
run: ## Serve on embedded defaults: SQLite under ./data, sandbox platforms, http://localhost:8080
	$(GO) build -o $(BIN) ./cmd/marketingminds
	MM_LOG_FORMAT=$${MM_LOG_FORMAT:-console} $(BIN) serve --sandbox

.PHONY: test
test: ## gofmt check, go vet, and every test with the race detector (SQLite and MongoDB-over-the-wire)
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 9m $(PKGS)

.PHONY: bench
bench: ## Benchmarks of the hot paths
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s $(PKGS)

.PHONY: lint
lint: ## go vet, gofmt and staticcheck
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l .)" || (gofmt -l . && exit 1)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)

.PHONY: clean
clean: ## Remove build output (never ./data)
	rm -rf bin
