GO ?= go

.PHONY: help test race bench lint fuzz run eval norms

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

EVAL ?= ../shared/eval
NORMS := corpora/norms/norms.json

norms: ## rebuild corpora/norms/norms.json from the reference corpora in ../shared/eval
	$(GO) build -o /tmp/mindprint-norms ./cmd/mindprint
	awk -F, 'NR > 1 && $$2 == 0 { print $$1 }' $(EVAL)/essays_folds.csv > /tmp/mindprint-heldout.txt
	/tmp/mindprint-norms norms build --lang en --text-col TEXT --id-col '#AUTHID' --exclude-ids /tmp/mindprint-heldout.txt \
	  --corpus "Essays (Pennebaker & King 1999), stream-of-consciousness student essays, folds 1-9 of fold_cEXT (fold 0 held out)" \
	  --out /tmp/mindprint-norms.json $(EVAL)/essays.csv
	/tmp/mindprint-norms norms build --lang fi --merge /tmp/mindprint-norms.json --out /tmp/mindprint-norms.json \
	  --corpus "Finnish UD treebanks TDT (dev+test) and OOD: forum, tweets, web, blogs, news, fiction; CC BY-SA 4.0" \
	  $(EVAL)/norms/fi_ud_tdt_devtest_sentences.tsv $(EVAL)/norms/fi_ud_ood_sentences.tsv
	/tmp/mindprint-norms norms build --lang lv --merge /tmp/mindprint-norms.json --out /tmp/mindprint-norms.json \
	  --corpus "Latvian tweets (LTEC, everyday chat); text under Twitter's terms, statistics only" \
	  $(EVAL)/norms/lv_ltec_tweets.tsv
	/tmp/mindprint-norms norms build --lang pl --merge /tmp/mindprint-norms.json --out $(NORMS) \
	  --corpus "Polish UD PDB treebank (dev+test): news, fiction, captions; CC BY-NC-SA 4.0, statistics only" \
	  $(EVAL)/norms/pl_ud_pdb_devtest_sentences.tsv
