GO ?= go

.PHONY: help test race bench lint fuzz run eval

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

test: ## run the tests (the same command CI runs)
	$(GO) test ./...

race: ## run the tests with the race detector
	$(GO) test -race ./...

bench: ## run every benchmark once with allocation counts
	$(GO) test -run '^$$' -bench . -benchmem ./...

lint: ## gofmt, go vet and the lexicon lint
	@test -z "$$(gofmt -l .)" || (gofmt -l .; exit 1)
	$(GO) vet ./...
	$(GO) run ./cmd/mindprint lexicon lint

fuzz: ## run each fuzz target for 20 seconds
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 20s $$pkg || exit 1; done; done

run: ## run the service on its embedded defaults
	$(GO) run ./cmd/mindprint serve

eval: ## score the labelled sets in ../shared/eval
	$(GO) run ./cmd/mindprint eval
