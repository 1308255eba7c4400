# kith - see README.md.  Plain make, pkg-config, Debian 12 packages.
PKG_CONFIG ?= pkg-config
CC ?= cc
CFLAGS ?= -O2 -g
DESTDIR ?=
# Build and install with the same PREFIX: the binary looks for its
# translations under LOCALEDIR, and the units name BINDIR/kith.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
LOCALEDIR ?= $(PREFIX)/share/locale
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDUSERUNITDIR ?= $(PREFIX)/lib/systemd/user
SYSTEMDSYSTEMUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d

PKGS := sqlite3 libsodium libuv avahi-client libmicrohttpd libqrencode
TEST_PKGS := cmocka
# What tests/e2e/qr.sh reads printed QR codes with: rsvg-convert turns the
# page's SVG into a PNG, zbarimg decodes it.
QR_TEST_PKGS := zbar-tools librsvg2-bin
DEB_PKGS := build-essential pkg-config libsqlite3-dev libsodium-dev \
	libcmocka-dev libuv1-dev libavahi-client-dev sqlite3 clang python3 \
	avahi-daemon avahi-utils dbus tcpdump iproute2 util-linux gettext locales \
	scdoc man-db libmicrohttpd-dev chromium chromium-driver python3-selenium \
	fonts-noto-cjk libqrencode-dev $(QR_TEST_PKGS)
# What tests/pkg/ needs to build and check the Debian package and the
# units (systemd-analyze):
# `make deps-package`, or `make deps` when CI=true.
PACKAGE_PKGS := debhelper dpkg-dev fakeroot lintian systemd

ifeq ($(V),1)
Q :=
else
Q := @
endif

# The one version: VERSION, plus git's -N-gHASH in a checkout.
KITH_VERSION := $(shell sh dist/version.sh)

# Goals that build nothing run without the -dev packages (deps installs
# them; demo asks again in sub-makes after `make deps`).
NOBUILD_GOALS := deps deps-package clean pot lint uninstall demo package-check
BUILD_GOALS := $(filter-out $(NOBUILD_GOALS),$(or $(MAKECMDGOALS),all))
ifneq ($(BUILD_GOALS),)
ifeq ($(shell command -v $(PKG_CONFIG)),)
$(error kith: '$(PKG_CONFIG)' is not installed; run 'sudo make deps')
endif
NEED_PKGS := $(PKGS) $(if $(filter test check unit %/tests/%,$(BUILD_GOALS)),$(TEST_PKGS))
PKG_MISSING := $(shell for p in $(NEED_PKGS); do \
	$(PKG_CONFIG) --exists $$p || printf '%s ' $$p; done)
ifneq ($(strip $(PKG_MISSING)),)
$(error kith: pkg-config cannot find $(strip $(PKG_MISSING)); run 'sudo make deps')
endif
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
TEST_LIBS := $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)

# Every C file of the tree (product, tests, bench, fuzz targets) is
# compiled with these, whatever CFLAGS says.
# WERROR= turns warnings back into warnings (the Debian build does: a newer
# compiler's new warning must not stop a package from building).
WERROR ?= -Werror
KITH_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra $(WERROR) \
	-Wno-unused-parameter -fno-strict-aliasing -MMD -MP -I. $(PKG_CFLAGS)
override CFLAGS += $(KITH_CFLAGS)
LDLIBS += $(PKG_LIBS)

BUILD ?= build
CRDT_SRC := $(wildcard crdt/*.c)
PEER_SRC := $(wildcard peer/*.c)
CLI_SRC := $(wildcard cli/*.c)
ACTION_SRC := $(wildcard action/*.c)
NET_SRC := $(wildcard net/*.c)
# web/ is an interface like cli/ (DESIGN s1): nothing below it calls it
# (tests/lint/layers.sh).  Its own archive, libkithweb.a, goes into the
# binary and the unit tests; the fuzz trees build its decoders too.
WEB_SRC := $(wildcard web/*.c)
# Files served as they are, compiled in (web/static.h, web/embed.sh).
WEB_ASSETS := $(sort $(wildcard web/static/*))
LIB_SRC := $(CRDT_SRC) $(NET_SRC) $(PEER_SRC) $(ACTION_SRC)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
WEB_OBJ := $(WEB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/web/static_data.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
PROP_BIN := $(BUILD)/tests/prop_converge
TESTLIB_OBJ := $(BUILD)/tests/testlib.o
KITH := $(BUILD)/kith

PROP_FIRST ?= 1
PROP_SEEDS ?= 1000

# Translations (GNU gettext): po/LANG.po, compiled next to the binary so
# that a build tree speaks them too (action/i18n.h), installed to LOCALEDIR.
LINGUAS := $(shell cat po/LINGUAS)
MO := $(LINGUAS:%=$(BUILD)/locale/%/LC_MESSAGES/kith.mo)
I18N_SRC := $(sort $(wildcard cli/*.c cli/*.h action/*.c action/*.h \
	web/*.c web/*.h)) crdt/err.h

# Man pages, from scdoc sources in docs/.
MAN := $(BUILD)/man/kith.1 $(BUILD)/man/kith-daemon.8

.PHONY: all test check bench fuzz install uninstall clean deps deps-package \
	demo unit lint package-check FORCE

all: $(KITH) $(MO) $(MAN)

$(BUILD)/locale/%/LC_MESSAGES/kith.mo: po/%.po
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MSGFMT  $<")
	$(Q)msgfmt --check -o $@ $<

$(BUILD)/man/%: docs/%.scd
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  SCDOC   $<")
	$(Q)command -v scdoc >/dev/null || { \
		echo "kith: scdoc is needed for the man pages; run 'sudo make deps'" >&2; \
		exit 1; }
	$(Q)scdoc <$< >$@.tmp && mv $@.tmp $@

# $(call write_if_changed,FILE,TEXT): FILE holds TEXT, rewritten only when
# TEXT changed, so what depends on it rebuilds then and only then.
define write_if_changed
	@mkdir -p $(dir $1)
	$(Q)v='$2'; [ -f $1 ] && [ "$$(cat $1)" = "$$v" ] || echo "$$v" >$1
endef

# The catalogues' directory is compiled in: a new PREFIX or LOCALEDIR
# recompiles action/i18n.c (`make && sudo make install PREFIX=/usr`).
$(BUILD)/localedir: FORCE
	$(call write_if_changed,$@,$(LOCALEDIR))
$(BUILD)/action/i18n.o: $(BUILD)/localedir
$(BUILD)/action/i18n.o: override CFLAGS += -DLOCALEDIR='"$(LOCALEDIR)"'

# A new commit recompiles cli/version.c and relinks, and nothing else.
$(BUILD)/kith_version.h: FORCE
	$(call write_if_changed,$@,#define KITH_VERSION "$(KITH_VERSION)")
$(BUILD)/cli/version.o: $(BUILD)/kith_version.h
$(BUILD)/cli/version.o: override CFLAGS += -I$(BUILD)

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
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The web app's static files as C arrays (web/embed.sh: od and awk, no
# xxd); rebuilt when a file changes, and when one is added or removed.
$(BUILD)/web/assets: FORCE
	$(call write_if_changed,$@,$(WEB_ASSETS))
$(BUILD)/web/static_data.c: web/embed.sh $(WEB_ASSETS) $(BUILD)/web/assets
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  EMBED   web/static/")
	$(Q)sh web/embed.sh $(WEB_ASSETS) >$@.tmp && mv $@.tmp $@
$(BUILD)/web/static_data.o: $(BUILD)/web/static_data.c
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Links: the objects, then the archives (filtered, so that a program can
# list its objects in a rule of its own and share this recipe).
LINK = $(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LDLIBS)

$(BUILD)/libkith.a: $(LIB_OBJ)
# web/ is an interface above action/: an archive of its own, linked before
# libkith.a.
$(BUILD)/libkithweb.a: $(WEB_OBJ)

$(KITH): $(CLI_OBJ) $(BUILD)/libkithweb.a $(BUILD)/libkith.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LINK)

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(TESTLIB_OBJ) \
		$(BUILD)/libkithweb.a $(BUILD)/libkith.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LINK) $(TEST_LIBS)

# test_lang reads the zh_CN catalogue of the build tree.
$(BUILD)/tests/test_lang: $(MO)

$(PROP_BIN): $(BUILD)/tests/prop/prop_converge.o $(TESTLIB_OBJ) $(BUILD)/libkith.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LINK) $(TEST_LIBS)

# Helper programs of the integration, netns and bench scripts: each names
# its objects; one recipe links them all with the library.
TEST_TOOLS := $(BUILD)/tests/mkchanges $(BUILD)/tests/mdns_probe \
	$(BUILD)/tests/hostile $(BUILD)/tests/mkpoison
BENCH_BIN := $(BUILD)/bench/bench $(BUILD)/bench/recon_bench \
	$(BUILD)/bench/ops_bench $(BUILD)/bench/web_town
$(BUILD)/tests/mkchanges: $(BUILD)/tests/integration/mkchanges.o
$(BUILD)/tests/hostile: $(BUILD)/tests/integration/hostile.o
$(BUILD)/tests/mkpoison: $(BUILD)/tests/integration/mkpoison.o
$(BUILD)/tests/mdns_probe: $(BUILD)/tests/netns/mdns_probe.o
$(BUILD)/bench/bench: $(BUILD)/bench/bench.o
$(BUILD)/bench/recon_bench: $(BUILD)/bench/recon/recon_bench.o
$(BUILD)/bench/ops_bench: $(BUILD)/bench/ops/ops_bench.o $(BUILD)/bench/ops/town.o
$(BUILD)/bench/web_town: $(BUILD)/bench/web/web_town.o $(BUILD)/bench/ops/town.o
$(TEST_TOOLS) $(BENCH_BIN): $(BUILD)/libkith.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LINK)

# The whole suite: the source lints (tests/lint/), unit tests, the
# convergence property, CLI end to end, daemons on loopback, buildings in
# network namespaces (root only), the install check (tests/pkg/install.sh).
# Ends with one "N passed, N failed" line.  KITH_TEST_JOBS=N: programs
# run at once (default 3; tests/run.sh).
test: $(KITH) $(MO) $(MAN) $(UNIT_BIN) $(PROP_BIN) $(TEST_TOOLS)
	$(Q)BUILD=$(BUILD) PROP_FIRST=$(PROP_FIRST) PROP_SEEDS=$(PROP_SEEDS) sh tests/run.sh

# The cmocka unit tests alone (seconds; no root, no network; the Debian
# package build runs them).
unit: $(UNIT_BIN)
	$(Q)for t in $(UNIT_BIN); do out=$$($$t 2>&1) || { echo "$$out"; \
		echo "kith: unit test '$$t' failed" >&2; exit 1; }; done
	@echo "unit tests: $(words $(UNIT_BIN)) programs passed"

# Static checks of the source tree, no build needed: SQL and SQLite stay
# in crdt/, libsodium in crdt/crypto.c (docs/DESIGN.md s1).  Also run by
# tests/run.sh; `check` runs it first, so a layer break fails in a second,
# before the sanitizer build.
lint:
	$(Q)for t in tests/lint/*.sh; do sh $$t || exit 1; done

# ASan + UBSan build of everything; the property test runs the next 1000
# seeds (1001..2000: make test ran 1..1000), so the two cover 2000 between
# them and the sanitizer run takes half the time it took with 1..2000.
# KITH_SAN tells scripts that measure memory or time that numbers of this
# build mean nothing (they say so and skip those checks).
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
check: lint
	$(Q)KITH_SAN=1 $(MAKE) --no-print-directory BUILD=build-san \
		PROP_FIRST=1001 PROP_SEEDS=2000 \
		CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" test
	$(Q)$(MAKE) --no-print-directory fuzz-replay

# Fuzz targets: built from objects like everything else (same warnings,
# header dependencies in .d files), in trees of their own.
#   build-san/fuzz/  gcc ASan + UBSan; FUZZ-replay runs the committed
#                    corpus through tests/fuzz/replay.c's main()
#   build-fuzz/      clang libFuzzer + ASan + UBSan
FUZZ_NAMES := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
REPLAY_DIR := build-san/fuzz
FUZZ_DIR := build-fuzz
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(REPLAY_DIR)/%-replay)
FUZZ_BIN := $(FUZZ_NAMES:%=$(FUZZ_DIR)/%)

$(REPLAY_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (replay)")
	$(Q)$(CC) $(CPPFLAGS) $(SAN_FLAGS) $(KITH_CFLAGS) -c -o $@ $<

# the decoders of web/ are fuzzed too (tests/fuzz/fuzz_form.c); web/static.c
# needs the generated assets and no fuzz target pulls it in
FUZZ_LIB_SRC := $(LIB_SRC) $(filter-out web/static.c,$(WEB_SRC))
$(REPLAY_DIR)/libkith.a: $(FUZZ_LIB_SRC:%.c=$(REPLAY_DIR)/obj/%.o)

$(REPLAY_DIR)/%-replay: $(REPLAY_DIR)/obj/tests/fuzz/%.o \
		$(REPLAY_DIR)/obj/tests/fuzz/replay.o $(REPLAY_DIR)/libkith.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(SAN_FLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LDLIBS)

.PHONY: fuzz-replay
fuzz-replay: $(FUZZ_REPLAY)
	$(Q)for f in $(FUZZ_REPLAY); do \
		n=$$(basename $$f -replay); \
		$$f tests/fuzz/corpus/$$n/* || exit 1; \
	done

# libFuzzer targets (clang); run each for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (libFuzzer)")
	$(Q)clang $(CPPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(KITH_CFLAGS) \
		-c -o $@ $<

$(FUZZ_DIR)/libkith.a: $(FUZZ_LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_DIR)/libkith.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)clang $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $(filter %.o,$^) \
		$(filter %.a,$^) $(LDLIBS)

fuzz: $(FUZZ_BIN)
	$(Q)for f in $(FUZZ_BIN); do \
		n=$$(basename $$f); mkdir -p build-fuzz/corpus-$$n; \
		$$f -max_total_time=$(FUZZ_SECONDS) build-fuzz/corpus-$$n \
			tests/fuzz/corpus/$$n || exit 1; \
	done

# One archive recipe for the three trees (and the web app's archive).
$(BUILD)/libkith.a $(BUILD)/libkithweb.a $(REPLAY_DIR)/libkith.a \
		$(FUZZ_DIR)/libkith.a:
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

bench: $(KITH) $(BENCH_BIN) $(BUILD)/tests/mkchanges
	$(Q)sh bench/run.sh $(BUILD)

# The quick start: install what is missing, build, run the demo community.
# Sub-makes so that pkg-config is asked again after the packages arrive.
# The community stays in $(BUILD)/demo with Amira's daemon serving the web
# app (127.0.0.1:7474, or a free port); demo-stop stops that daemon.
demo:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh cli/demo.sh $(KITH) $(BUILD)/demo

.PHONY: demo-stop
demo-stop:
	$(Q)sh cli/demo.sh --stop $(KITH) $(BUILD)/demo

# make install / make uninstall: the same files, under DESTDIR and PREFIX
# (tests/pkg/install.sh lists them).  The units name $(BINDIR)/kith.
install: $(KITH) $(MO) $(MAN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(SYSTEMDUSERUNITDIR) $(DESTDIR)$(SYSTEMDSYSTEMUNITDIR) \
		$(DESTDIR)$(SYSUSERSDIR)
	install -m 0755 $(KITH) $(DESTDIR)$(BINDIR)/kith
	install -m 0644 $(BUILD)/man/kith.1 $(DESTDIR)$(MANDIR)/man1/kith.1
	install -m 0644 $(BUILD)/man/kith-daemon.8 $(DESTDIR)$(MANDIR)/man8/kith-daemon.8
	for l in $(LINGUAS); do \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
		install -m 0644 $(BUILD)/locale/$$l/LC_MESSAGES/kith.mo \
			$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/kith.mo || exit 1; \
	done
	install -m 0644 dist/bash-completion/kith $(DESTDIR)$(BASHCOMPDIR)/kith
	sed 's|/usr/bin/kith|$(BINDIR)/kith|g' dist/systemd/user/kith.service \
		>$(DESTDIR)$(SYSTEMDUSERUNITDIR)/kith.service
	sed 's|/usr/bin/kith|$(BINDIR)/kith|g' dist/systemd/system/kith.service \
		>$(DESTDIR)$(SYSTEMDSYSTEMUNITDIR)/kith.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUSERUNITDIR)/kith.service \
		$(DESTDIR)$(SYSTEMDSYSTEMUNITDIR)/kith.service
	install -m 0644 dist/sysusers.d/kith.conf $(DESTDIR)$(SYSUSERSDIR)/kith.conf

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/kith $(DESTDIR)$(MANDIR)/man1/kith.1 \
		$(DESTDIR)$(MANDIR)/man8/kith-daemon.8 \
		$(LINGUAS:%=$(DESTDIR)$(LOCALEDIR)/%/LC_MESSAGES/kith.mo) \
		$(DESTDIR)$(BASHCOMPDIR)/kith \
		$(DESTDIR)$(SYSTEMDUSERUNITDIR)/kith.service \
		$(DESTDIR)$(SYSTEMDSYSTEMUNITDIR)/kith.service \
		$(DESTDIR)$(SYSUSERSDIR)/kith.conf

# Builds the Debian package in a copy of the tree, runs lintian, checks the
# contents and unpacks it into a throwaway root (tests/pkg/deb.sh).  Skips
# outside CI when the packaging tools are missing; CI=true makes that a
# failure.
package-check:
	$(Q)sh tests/pkg/deb.sh

# Installs the Debian 12 packages kith needs; a no-op when all are present.
# Services are not started while installing (policy-rc.d): avahi-daemon and
# dbus run only inside the network namespaces the tests make.  With
# CI=true also the packaging tools (deps-package installs those alone).
DEPS_WANT := $(DEB_PKGS) $(if $(filter true,$(CI)),$(PACKAGE_PKGS))
DEPS_GOAL := deps
deps-package:
	$(Q)$(MAKE) --no-print-directory deps DEPS_WANT="$(PACKAGE_PKGS)" \
		DEPS_GOAL=deps-package
deps:
	@missing=""; for p in $(DEPS_WANT); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
			grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "kith: missing packages:$$missing (run 'sudo make $(DEPS_GOAL)')" >&2; \
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
	rm -rf build build-san build-fuzz $(BUILD)

-include $(sort $(shell find $(BUILD) $(REPLAY_DIR) $(FUZZ_DIR) -name '*.d' 2>/dev/null))
.SECONDARY:
