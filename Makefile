# kbscan: offline analyzer of Windows support bundles.
# `make demo` and `make check` do everything on a fresh Debian 12 machine;
# both first run `make deps`, which installs missing Debian packages.

VERSION   := 0.1.0
ifeq ($(origin CC),default)
CC        := gcc
endif
BUILD     ?= build
PREFIX    ?= /usr/local
DESTDIR   ?=
SAN       ?=
CFLAGS    ?= -O2 -g

# Quiet build lines ("CC file.c") unless V=1 shows the compiler's command
# lines: `make demo` shows the report, not the compiler.
ifeq ($(V),1)
Q         :=
quiet      = 
else
Q         := @
quiet      = @printf '  %-7s %s\n' $(1) $(2);
endif

PKGS      := libevtx libevt libbfio libpcre2-8 libcjson zlib libdeflate libarchive expat
WARN      := -Wall -Wextra -Wpedantic -Werror
DEFS      := -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 \
             -DKBSCAN_VERSION='"$(VERSION)"' \
             -DKBSCAN_RULES_DIR='"$(PREFIX)/share/kbscan/rules"'
ifeq ($(SAN),1)
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=all
endif
ALL_CFLAGS = -std=c11 -pthread $(WARN) $(DEFS) -Ianalyzer -Iparsers -Ifuzz \
             $(shell pkg-config --cflags $(PKGS)) $(CFLAGS) $(SANFLAGS)
LIBS       = $(shell pkg-config --libs $(PKGS)) -lm -pthread

# Every .c in the folders of analyzer/ and parsers/ except the CLI's main is library code,
# shared by kbscan and the unit tests.
MAIN_SRC    := analyzer/cli/main.c
LIB_SRC     := $(filter-out $(MAIN_SRC),$(sort $(wildcard analyzer/*/*.c parsers/*/*.c)))
LIB_OBJ     := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
KBSCAN      := $(BUILD)/kbscan

EVTXGEN_SRC := $(sort $(wildcard samples/evtxgen/*.c))
EVTXGEN_OBJ := $(EVTXGEN_SRC:%.c=$(BUILD)/obj/%.o)
EVTXGEN     := $(BUILD)/evtxgen

UNIT_SRC    := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps check demo install uninstall clean tests samples bench fuzz errcodes evtmsg update-cases fixtures

all: $(KBSCAN) $(EVTXGEN)

deps:
	@tools/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(call quiet,CC,$<)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(KBSCAN): $(BUILD)/obj/$(MAIN_SRC:.c=.o) $(LIB_OBJ)
	$(Q)$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

# evtxgen shares kbscan's time parsing (analyzer/core/fact.c) and string helpers.
EVTXGEN_SHARED := $(BUILD)/obj/analyzer/core/fact.o $(BUILD)/obj/analyzer/core/strbuf.o \
                  $(BUILD)/obj/analyzer/core/alloc.o
$(EVTXGEN): $(EVTXGEN_OBJ) $(EVTXGEN_SHARED)
	$(Q)$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

# Unit tests also get fuzz/fuzz_targets.c: one of them replays the inputs
# the fuzzers found and their seeds (tests/fuzz/).
FUZZ_SHARED := $(BUILD)/obj/fuzz/fuzz_targets.o
$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ) $(FUZZ_SHARED)
	@mkdir -p $(dir $@)
	$(Q)$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) -Itests/unit -Ifuzz -o $@ $^ $(LIBS) -lcmocka $(TEST_LDFLAGS)

# test_oom fails kbscan's allocations one by one: every malloc, calloc,
# realloc, strdup and strndup of the project's code goes through its hook.
$(BUILD)/tests/test_oom: TEST_LDFLAGS := \
    -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup

# The parser cases' runner (tests/cases/cases.sh): prints the facts read
# from one saved command output.
CASE_FACTS  := $(BUILD)/case-facts
$(CASE_FACTS): $(BUILD)/obj/tests/cases/case_facts.o $(LIB_OBJ)
	$(Q)$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

tests: all $(UNIT_BIN) $(CASE_FACTS)

# Rewrites the parser cases' .facts files from what the parsers read now
# (review the diff before committing them).
update-cases: $(CASE_FACTS)
	@KBSCAN_BUILD=$(BUILD) UPDATE_CASES=1 tests/cases/cases.sh

# The suite runs twice: a normal build, then one under ASan+UBSan.
check: deps
	@$(MAKE) --no-print-directory tests
	@$(MAKE) --no-print-directory tests BUILD=build/asan SAN=1 CFLAGS='-O1 -g'
	@tests/run.sh build build/asan

DEMO_BUNDLE := samples/bundles/seed-ja
demo: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(BUILD)/demo
	@echo "== kbscan $(DEMO_BUNDLE)"
	@$(KBSCAN) --json $(BUILD)/demo/report.json --html $(BUILD)/demo/report.html \
	    $(DEMO_BUNDLE); status=$$?; \
	  echo; echo "exit status $$status (1 = a known issue matched)"; \
	  echo "HTML report: $(BUILD)/demo/report.html"; \
	  echo "JSON report: $(BUILD)/demo/report.json"; \
	  [ $$status -le 3 ] && [ $$status -ne 2 ]

# Regenerates the sample bundles' files from their sources (samples/src,
# samples/events); a test checks that the committed files are up to date.
samples: $(EVTXGEN)
	@samples/src/make_bundles.sh $(EVTXGEN)

# Builds the rules' own fixture bundles (rules/tests/<rule id>/<fixture>/,
# readable sources) into $(BUILD)/fixtures, where
# `kbscan rules test --fixtures $(BUILD)/fixtures rules` finds them.
fixtures: $(EVTXGEN)
	@rm -rf $(BUILD)/fixtures
	@tools/build-fixtures.sh $(EVTXGEN) $(BUILD)/fixtures rules

# Regenerates analyzer/report/errcodes_table.h (committed) from mingw-w64-common's
# headers and tools/errcodes/meanings.tsv; a test checks it is up to date.
errcodes:
	@KBSCAN_EXTRA_PACKAGES="mingw-w64-common $(KBSCAN_EXTRA_PACKAGES)" tools/deps.sh
	@/usr/bin/python3 tools/gen-errcodes.py

# Regenerates analyzer/report/evtmsg_table.h (committed) from tools/evtmsg/
# (message texts copied from libyal winevt-kb, see its README); a test checks
# it is up to date. Refreshing the texts themselves: tools/evtmsg/README.md.
evtmsg:
	@/usr/bin/python3 tools/gen-evtmsg.py

# `make bench`: 2 x BENCH_MIB MiB (default 64) of the real corpus's records,
# kbscan against its peers, several runs each (tools/bench.sh, docs/performance.md;
# `make bench BENCH_MIB=256 BENCH_RUNS=5` for the documented figures).
bench: deps
	@$(MAKE) --no-print-directory all
	@tools/bench.sh $(KBSCAN) $(EVTXGEN)
	@tools/bench_batch.sh $(KBSCAN) $(EVTXGEN)

# `make fuzz`: libFuzzer targets (clang): fuzz_textdecode and one per source
# of the registry (fuzz_vssadmin, ..., fuzz_evtx: the X(name) lines of
# parsers/source/registry.c), all built from fuzz/fuzz_source.c; each runs
# FUZZ_SECONDS, seeded with tests/fuzz/seeds/<target>/, the samples, and,
# for evtx, evtxgen's damaged files and the corpus when present
# (`tools/fuzz.sh BUILD SECONDS [TARGET...]` runs some only). Inputs that
# crash go to build/fuzz/; keep them in tests/fuzz/regressions/<target>/
# (replayed by make check). `make fuzz-targets` prints the list.
FUZZ_SECONDS ?= 60
FUZZ_BUILD := build/fuzz
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined
FUZZ_SOURCES := $(shell sed -n 's/^ *X(\([a-z0-9_]*\)).*/\1/p' parsers/source/registry.c)
FUZZ_TARGETS := textdecode $(FUZZ_SOURCES)
FUZZ_BINS = $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%)
fuzz:
	@KBSCAN_EXTRA_PACKAGES="clang libclang-rt-dev $(KBSCAN_EXTRA_PACKAGES)" tools/deps.sh
	@$(MAKE) --no-print-directory CC=clang BUILD=$(FUZZ_BUILD) CFLAGS='$(FUZZ_FLAGS)' \
	    fuzz-bins
	@tools/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

.PHONY: fuzz-bins fuzz-targets
fuzz-bins: $(FUZZ_BINS) $(BUILD)/fuzz_binxml $(BUILD)/evtxgen $(KBSCAN)

fuzz-targets:
	@echo $(FUZZ_TARGETS)

$(BUILD)/obj/fuzz/target-%.o: fuzz/fuzz_source.c
	@mkdir -p $(dir $@)
	$(Q)$(call quiet,CC,$<)$(CC) $(ALL_CFLAGS) -DKB_FUZZ_TARGET='"$*"' -MMD -MP -c -o $@ $<

$(FUZZ_BINS): $(BUILD)/fuzz_%: $(BUILD)/obj/fuzz/target-%.o $(FUZZ_SHARED) $(LIB_OBJ)
	$(Q)$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

# fuzz_evtx also gets the structure-aware mutator (fuzz/evtx_mutator.c).
$(BUILD)/fuzz_evtx: $(BUILD)/obj/fuzz/evtx_mutator.o

$(BUILD)/fuzz_binxml: $(BUILD)/obj/fuzz/fuzz_binxml.o $(LIB_OBJ)
	$(Q)$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

install: $(KBSCAN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/kbscan/rules
	install -m 755 $(KBSCAN) $(DESTDIR)$(PREFIX)/bin/kbscan
	install -m 644 rules/*.json $(DESTDIR)$(PREFIX)/share/kbscan/rules/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/kbscan
	rm -rf $(DESTDIR)$(PREFIX)/share/kbscan

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
