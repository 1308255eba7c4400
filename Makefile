# kith - see README.md.  Plain make, pkg-config, Debian 12 packages.
PKG_CONFIG ?= pkg-config
CC ?= cc
CFLAGS ?= -O2 -g
PREFIX ?= /usr/local
DESTDIR ?=

PKGS := sqlite3 libsodium libuv avahi-client
TEST_PKGS := cmocka
DEB_PKGS := build-essential pkg-config libsqlite3-dev libsodium-dev \
	libcmocka-dev libuv1-dev libavahi-client-dev sqlite3 clang python3 \
	avahi-daemon dbus tcpdump iproute2 util-linux gettext locales

ifeq ($(V),1)
Q :=
else
Q := @
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
TEST_LIBS := $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)

override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-Wno-unused-parameter -fno-strict-aliasing -MMD -MP -I. $(PKG_CFLAGS)
LDLIBS += $(PKG_LIBS)

BUILD ?= build
CRDT_SRC := $(wildcard crdt/*.c)
PEER_SRC := $(wildcard peer/*.c)
CLI_SRC := $(wildcard cli/*.c)
ACTION_SRC := $(wildcard action/*.c)
NET_SRC := $(wildcard net/*.c)
LIB_SRC := $(CRDT_SRC) $(NET_SRC) $(PEER_SRC) $(ACTION_SRC)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
PROP_BIN := $(BUILD)/tests/prop_converge
TESTLIB_OBJ := $(BUILD)/tests/testlib.o
KITH := $(BUILD)/kith

PROP_SEEDS ?= 1000

# Translations (GNU gettext): po/LANG.po, compiled next to the binary so
# that a build tree speaks them too (action/i18n.h), installed to LOCALEDIR.
LOCALEDIR ?= $(PREFIX)/share/locale
LINGUAS := $(shell cat po/LINGUAS)
MO := $(LINGUAS:%=$(BUILD)/locale/%/LC_MESSAGES/kith.mo)
I18N_SRC := $(sort $(wildcard cli/*.c cli/*.h action/*.c action/*.h)) crdt/err.h

.PHONY: all test check bench fuzz install clean deps demo unit prop e2e lint

all: $(KITH) $(MO)

$(BUILD)/locale/%/LC_MESSAGES/kith.mo: po/%.po
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MSGFMT  $<")
	$(Q)msgfmt --check -o $@ $<

$(BUILD)/action/i18n.o: override CFLAGS += -DLOCALEDIR='"$(LOCALEDIR)"'

# Refresh po/kith.pot from the sources and merge it into every po/LANG.po.
.PHONY: pot
pot:
	$(Q)xgettext --from-code=UTF-8 --language=C --add-comments=TRANSLATORS \
		--keyword=_ --keyword=N_ --keyword=ngettext:1,2 \
		--keyword=action_pgettext:1c,2 --keyword=NC_:1c,2 --keyword=X:2 \
		--keyword=cli_fail --keyword=cli_usage:2 --keyword=cli_fail_rc:3 \
		--package-name=kith --msgid-bugs-address="kith developers" \
		-o po/kith.pot $(I18N_SRC)
	$(Q)for l in $(LINGUAS); do \
		msgmerge --quiet --update --backup=none po/$$l.po po/kith.pot; \
	done

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libkith.a: $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(KITH): $(CLI_OBJ) $(BUILD)/libkith.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(TESTLIB_OBJ) $(BUILD)/libkith.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(TEST_LIBS)

$(BUILD)/tests/testlib.o: tests/testlib.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(PROP_BIN): $(BUILD)/tests/prop/prop_converge.o $(TESTLIB_OBJ) $(BUILD)/libkith.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(TEST_LIBS)

$(BUILD)/tests/mkchanges: $(BUILD)/tests/integration/mkchanges.o $(BUILD)/libkith.a
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/mdns_probe: $(BUILD)/tests/netns/mdns_probe.o $(BUILD)/libkith.a
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/hostile: $(BUILD)/tests/integration/hostile.o $(BUILD)/libkith.a
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/mkpoison: $(BUILD)/tests/integration/mkpoison.o $(BUILD)/libkith.a
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

TEST_TOOLS := $(BUILD)/tests/mkchanges $(BUILD)/tests/mdns_probe \
	$(BUILD)/tests/hostile $(BUILD)/tests/mkpoison

# The whole suite: the source lints (tests/lint/), unit tests, the
# convergence property, CLI end to end, daemons on loopback, buildings in
# network namespaces (root only).  Ends with one "N passed, N failed" line.
test: $(KITH) $(MO) $(UNIT_BIN) $(PROP_BIN) $(TEST_TOOLS)
	$(Q)BUILD=$(BUILD) PROP_SEEDS=$(PROP_SEEDS) sh tests/run.sh

# Static checks of the source tree, no build needed: SQL and SQLite stay
# in crdt/, libsodium in crdt/crypto.c (DESIGN s1).  Also run by
# tests/run.sh; `check` runs it first, so a layer break fails in a second,
# before the sanitizer build.
lint:
	$(Q)for t in tests/lint/*.sh; do sh $$t || exit 1; done

# ASan + UBSan build of everything, with more seeds.
# KITH_SAN tells scripts that measure memory or time that numbers of this
# build mean nothing (they say so and skip those checks).
check: lint
	$(Q)KITH_SAN=1 $(MAKE) --no-print-directory BUILD=build-san PROP_SEEDS=2000 \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" test
	$(Q)$(MAKE) --no-print-directory fuzz-replay

FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=build-san/fuzz/%-replay)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)

build-san/fuzz/%-replay: tests/fuzz/%.c tests/fuzz/replay.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -O1 -g -I. $(PKG_CFLAGS) \
		-fsanitize=address,undefined -fno-sanitize-recover=all \
		-o $@ $< tests/fuzz/replay.c $(LIB_SRC) $(LDLIBS)

.PHONY: fuzz-replay
fuzz-replay: $(FUZZ_REPLAY)
	$(Q)for f in $(FUZZ_REPLAY); do \
		n=$$(basename $$f -replay); \
		$$f tests/fuzz/corpus/$$n/* || exit 1; \
	done

# libFuzzer targets (clang); run each for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
build-fuzz/%: tests/fuzz/%.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	$(Q)clang -std=c11 -D_GNU_SOURCE -O1 -g -I. $(PKG_CFLAGS) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $< $(LIB_SRC) $(LDLIBS)

fuzz: $(FUZZ_BIN)
	$(Q)for f in $(FUZZ_BIN); do \
		n=$$(basename $$f); mkdir -p build-fuzz/corpus-$$n; \
		$$f -max_total_time=$(FUZZ_SECONDS) build-fuzz/corpus-$$n \
			tests/fuzz/corpus/$$n || exit 1; \
	done

bench: $(KITH) $(BUILD)/bench/bench $(BUILD)/bench/recon_bench \
		$(BUILD)/tests/mkchanges $(BUILD)/bench/ops_bench
	$(Q)sh bench/run.sh $(BUILD)

$(BUILD)/bench/ops_bench: $(BUILD)/bench/ops/ops_bench.o $(BUILD)/bench/ops/town.o $(BUILD)/libkith.a
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/recon_bench: $(BUILD)/bench/recon/recon_bench.o $(BUILD)/libkith.a
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/bench: $(BUILD)/bench/bench.o $(BUILD)/libkith.a
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The quick start: install what is missing, build, run the demo community.
# Sub-makes so that pkg-config is asked again after the packages arrive.
demo:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh cli/demo.sh $(KITH)

install: $(KITH) $(MO)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(KITH) $(DESTDIR)$(PREFIX)/bin/kith
	for l in $(LINGUAS); do \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
		install -m 0644 $(BUILD)/locale/$$l/LC_MESSAGES/kith.mo \
			$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/kith.mo || exit 1; \
	done

# Installs the Debian 12 packages kith needs; a no-op when all are present.
# Services are not started while installing (policy-rc.d): avahi-daemon and
# dbus run only inside the network namespaces the tests make.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
			grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "kith: missing packages:$$missing (run 'sudo make deps')" >&2; \
			exit 1; \
		fi; \
		echo "installing:$$missing"; \
		rc_policy=; \
		if [ ! -e /usr/sbin/policy-rc.d ]; then \
			printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && \
			chmod 755 /usr/sbin/policy-rc.d && rc_policy=1; \
		fi; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
		st=$$?; \
		[ -n "$$rc_policy" ] && rm -f /usr/sbin/policy-rc.d; \
		[ $$st = 0 ] || exit $$st; \
	fi; \
	if ! locale -a 2>/dev/null | grep -qix 'zh_CN.utf8'; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "note: locale zh_CN.UTF-8 is not generated; kith speaks Chinese anyway (C.UTF-8)"; \
			exit 0; \
		fi; \
		echo "generating locale zh_CN.UTF-8"; \
		sed -i 's/^# *\(zh_CN.UTF-8 UTF-8\)/\1/' /etc/locale.gen && \
		locale-gen >/dev/null; \
	fi

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD) build-san -name '*.d' 2>/dev/null)
.SECONDARY:
