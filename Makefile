# auditlint build. 'make' builds ./auditlint, 'make check' runs every test,
# 'make asan' runs them all again under AddressSanitizer and UBSan,
# 'make bench' prints performance figures, 'make install' honours
# PREFIX and DESTDIR.

VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DOCDIR  ?= $(PREFIX)/share/doc/auditlint
BUILD   ?= build
BIN     ?= auditlint

PKG_CONFIG ?= pkg-config
DEPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags lua5.4 yaml-0.1)
DEPS_LIBS   := $(shell $(PKG_CONFIG) --libs lua5.4 yaml-0.1)
CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

WARN    = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN   += -Werror
endif
OPT     ?= -O2 -g
SAN     ?=
CFLAGS  ?=
CPPFLAGS += -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
            -DAL_VERSION='"$(VERSION)"' -Icore -Iinclude
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) $(SAN) $(CFLAGS) $(DEPS_CFLAGS)
LDLIBS  = $(DEPS_LIBS) -lm

LIB_SRC  := $(filter-out core/main.c,$(sort $(wildcard core/*.c)))
LIB_OBJ  := $(LIB_SRC:core/%.c=$(BUILD)/core/%.o) $(BUILD)/embedded.o
TEST_SRC := $(sort $(wildcard tests/test_*.c))
TESTS    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TLIB_OBJ := $(LIB_SRC:core/%.c=$(BUILD)/tcore/%.o) $(BUILD)/embedded.o

EMBED_IN := $(sort $(wildcard core/lua/*.lua rules/*.lua docs/rules/*.md) \
            $(shell find policies -name '*.yml' 2>/dev/null | LC_ALL=C sort))

.SECONDARY:

PHONY_EXTRA = ci lua-tests
.PHONY: all check $(PHONY_EXTRA) unit-tests fixture-tests cli-tests corpora-tests \
        asan bench install uninstall clean

all: $(BIN)

$(BIN): $(LIB_OBJ) $(BUILD)/core/main.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/core/%.o: core/%.c $(wildcard core/*.h include/*.h) | $(BUILD)/core
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tcore/%.o: core/%.c $(wildcard core/*.h include/*.h) | $(BUILD)/tcore
	$(CC) $(CPPFLAGS) -DAL_TEST_ALLOC $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/embed: tools/embed.c | $(BUILD)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $<

$(BUILD)/embedded.c: $(BUILD)/embed $(EMBED_IN)
	$(BUILD)/embed $(EMBED_IN) > $@.tmp && mv $@.tmp $@

$(BUILD)/embedded.o: $(BUILD)/embedded.c
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(TLIB_OBJ) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) -DAL_TEST_ALLOC $(ALL_CFLAGS) $(CMOCKA_CFLAGS) \
	    -o $@ $< $(TLIB_OBJ) $(CMOCKA_LIBS) $(LDLIBS)

$(BUILD) $(BUILD)/core $(BUILD)/tcore $(BUILD)/tests:
	mkdir -p $@

check: unit-tests lua-tests fixture-tests cli-tests corpora-tests
	@echo "check: all test suites passed"

# What CI runs: every test with warnings as errors, then under sanitizers.
ci:
	$(MAKE) WERROR=1 check
	$(MAKE) WERROR=1 asan

lua-tests:
	@set -e; for t in tests/lua/test_*.lua; do \
	    [ -f "$$t" ] || continue; \
	    (cd tests/lua && lua5.4 "$$(basename "$$t")"); done

unit-tests: $(TESTS)
	@set -e; for t in $(TESTS); do \
	    echo "== $$t"; (cd tests && ../$$t); done

fixture-tests: $(BIN)
	./$(BIN) test tests/fixtures
	./$(BIN) test examples/acme examples/clean
	./$(BIN) test --rules examples/custom-rules/lint-rules \
	    examples/custom-rules/lint-rules/tests

cli-tests: $(BIN)
	sh tests/cli.sh ./$(BIN)
	sh tests/cli/catalog.sh ./$(BIN)
	@set -e; for t in tests/fix.sh tests/sarif/validate.sh; do \
	    [ ! -f "$$t" ] || sh "$$t" ./$(BIN); done

corpora-tests: $(BIN)
	sh tests/corpora.sh ./$(BIN)

asan:
	$(MAKE) BUILD=build-asan BIN=build-asan/auditlint OPT='-O1 -g -fno-omit-frame-pointer' \
	    SAN='-fsanitize=address,undefined -fno-sanitize-recover=all' \
	    check

bench: auditlint $(BUILD)/rawparse
	sh tools/bench.sh ./auditlint $(BUILD)/rawparse

$(BUILD)/rawparse: tools/rawparse.c | $(BUILD)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LDLIBS)

install: auditlint
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DOCDIR)
	install -m 755 auditlint $(DESTDIR)$(BINDIR)/auditlint
	cp -R docs/. $(DESTDIR)$(DOCDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/auditlint
	rm -rf $(DESTDIR)$(DOCDIR)

clean:
	rm -rf build build-asan auditlint
