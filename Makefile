# The project's commands. `make test` is the whole test suite (what CI runs);
# `go run ./server` starts a single-node server.

SHELL := /bin/bash
GO ?= go
export GOFLAGS ?= -buildvcs=false

# Every module of the workspace, as package patterns (./api/... ./mvcc/... …).
MODULES := $(shell $(GO) list -m -f '{{.Dir}}' | sed "s|^$(CURDIR)|.|")
PKGS := $(addsuffix /...,$(MODULES))

# Fuzz targets run by `make fuzz` (package:FuzzName:budget, see the file).
# FUZZTIME, when set (e.g. FUZZTIME=1m), replaces every target's budget.
FUZZTIME ?=
FUZZ_TARGETS := $(shell cat .ci/fuzz-targets 2>/dev/null | grep -v '^\#')

BIN := bin
LDFLAGS := -X github.com/etcdgo/etcd/api/v3/version.GitSHA=$(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

.PHONY: all build test unit fuzz bench vet fmt-check genproto check-genproto sync-deps tidy check-deps clean

all: build

## build: the etcd, etcdctl and etcdutl binaries, into bin/
build:
	@mkdir -p $(BIN)
	@for m in server:etcd etcdctl:etcdctl etcdutl:etcdutl; do \
		dir=$${m%%:*}; name=$${m##*:}; \
		if [ -f $$dir/main.go ]; then \
			echo "go build -o $(BIN)/$$name ./$$dir"; \
			$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/$$name ./$$dir || exit 1; \
		fi; \
	done

## test: the whole suite — formatting, vet, generated code up to date, every
## module's tests, and a short run of every fuzz target.
test: fmt-check vet check-genproto unit fuzz

unit:
	$(GO) test -count=1 -timeout 15m $(PKGS)

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "not gofmt-clean:"; echo "$$out"; exit 1; fi

fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; rest=$${t#*:}; name=$${rest%%:*}; budget=$${rest#*:}; \
		[ -n "$(FUZZTIME)" ] && budget="$(FUZZTIME)"; \
		echo "go test -run '^$$' -fuzz '^$$name$$' -fuzztime $$budget $$pkg"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $$budget $$pkg || exit 1; \
	done

## bench: the hot-path benchmarks (apply of a put, ranges of 1 and 100 keys,
## watch fan-out, WAL save) with allocations per op, in about a minute.
## Compare runs with benchstat: make bench BENCHCOUNT=3 > new.txt
BENCHTIME ?= 1s
BENCHCOUNT ?= 1
BENCHES := \
	'./server/etcdserver:^(BenchmarkApplyEntryPut|BenchmarkRange)$$' \
	'./server/v3rpc:^(BenchmarkKVRange|BenchmarkWatchFanout)$$' \
	'./mvcc:^(BenchmarkStorePut|BenchmarkStoreRange|BenchmarkWatchableStoreFanout)$$' \
	'./raftwal/wal:^BenchmarkSave$$'

bench:
	@for t in $(BENCHES); do \
		pkg=$${t%%:*}; re=$${t#*:}; \
		$(GO) test -run '^$$' -bench "$$re" -benchmem -benchtime $(BENCHTIME) -count $(BENCHCOUNT) $$pkg || exit 1; \
	done

## genproto: regenerate the api module's Go code from its .proto files with
## the plugin versions pinned in tools/go.mod (no system protoc).
genproto:
	$(GO) run ./tools/genproto -root api

## check-genproto: fail if the committed generated code is stale.
check-genproto: genproto
	@gen="$$(git status --porcelain -- ':(glob)api/**/*.pb.go' ':(glob)api/**/*.pb.gw.go')"; \
	if [ -n "$$gen" ]; then \
		echo "generated code in api/ is stale: run make genproto and commit"; \
		echo "$$gen"; exit 1; fi

## sync-deps: raise every module's requirements to the workspace's versions,
## so that each third-party module is required at one version everywhere.
sync-deps:
	./scripts/sync-deps.sh

## tidy: go mod tidy in every module (outside the workspace, our modules
## replaced by their directories for the run), then sync-deps.
tidy:
	./scripts/tidy.sh
	./scripts/sync-deps.sh

clean:
	rm -rf $(BIN)
