# melee - interactive stress console for PostgreSQL-wire databases.
#
#   make            build build/melee (checks and installs dependencies first)
#   make run        build and open the console on an embedded PostgreSQL
#   make test       build and run every test (unit, integration, console)
#   make asan/tsan  sanitized binaries in build/asan, build/tsan
#   make bench      engine vs pgbench -S; checker times; CPU of paused workers
#   make screenshots PNGs of the real console into screenshots/
#   make install    PREFIX=/usr/local DESTDIR=

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0

# Debian packages the build, the tests and the embedded server need
# (gnuplot draws the run report's plots).
DEB_PACKAGES := gcc make pkg-config libpq-dev libyaml-dev libncurses-dev \
                libcmocka-dev libjson-c-dev postgresql tmux procps time \
                faketime gnuplot-nox
# Extra packages for `make test` only: the browser that loads the run report.
TEST_PACKAGES := chromium fonts-dejavu-core
# Extra packages for `make screenshots` only.
SHOT_PACKAGES := xvfb xterm imagemagick fonts-dejavu-core chromium
PKGS    := libpq yaml-0.1 ncursesw json-c

BUILD   ?= build
SANFLAGS ?=
OPT     ?= -O2 -g

CFLAGS_BASE = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -pthread $(OPT) $(SANFLAGS) \
              -DMELEE_VERSION='"$(VERSION)"'
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(CFLAGS_BASE) $(PKG_CFLAGS) $(CFLAGS)
ALL_LIBS   = $(PKG_LIBS) -lpthread -lm $(LDFLAGS)

LIB_SRC  := $(sort $(wildcard core/*.c core/*/*.c actions/*.c tui/*.c))
LIB_SRC  := $(filter-out core/main.c,$(LIB_SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/core/main.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
DEPS_OK  := $(BUILD)/.deps-ok

.PHONY: all deps test-deps run test unit integration asan tsan bench screenshots install clean

# The named targets build on every core.
NPROC := $(shell nproc 2>/dev/null || echo 2)
PARALLEL = $(MAKE) --no-print-directory -j$(NPROC)

all: deps
	@$(PARALLEL) $(BUILD)/melee

# ---- dependencies: check, install with apt-get when we can, else say what ----
deps: $(DEPS_OK)
$(DEPS_OK): Makefile
	@$(call install_missing,$(DEB_PACKAGES))
	@mkdir -p $(BUILD) && touch $@

# The test-only packages, checked the same way before `make test`; without
# them the tests that need them skip.
test-deps: $(DEPS_OK)
	-@$(call install_missing,$(TEST_PACKAGES))

# install_missing PACKAGES: a shell command that installs the missing ones
# as root with apt-get, else says how and fails.
define install_missing
missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "melee: missing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) || \
	      { echo "melee: apt-get failed; install them with: apt-get install$$missing"; exit 1; }; \
	  else \
	    echo "melee: install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi
endef

# One short line per step; `make V=1` shows the full commands.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n'
endif

$(BUILD)/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libmelee.a: $(LIB_OBJ)
	@rm -f $@
	$(say) AR $@
	$(Q)ar rcs $@ $^

$(BUILD)/melee: $(MAIN_OBJ) $(BUILD)/libmelee.a
	$(say) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libmelee.a | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(say) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) -I. -o $@ $< $(BUILD)/libmelee.a $(ALL_LIBS) -lcmocka

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)

# ---- running ----
run: all
	$(BUILD)/melee --profile profiles/default.yaml

# ---- tests: unit (cmocka), integration against a real server, console via tmux ----
test: deps test-deps
	@$(PARALLEL) $(BUILD)/melee $(UNIT_BIN) tsan asan
	@tests/run-all.sh $(BUILD)

unit: deps
	@$(PARALLEL) $(UNIT_BIN)
	@tests/run-all.sh $(BUILD) unit

integration: all test-deps
	@tests/run-all.sh $(BUILD) integration

asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g" \
	  SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer" build/asan/melee

tsan: deps
	@$(MAKE) --no-print-directory BUILD=build/tsan OPT="-O1 -g" \
	  SANFLAGS="-fsanitize=thread" build/tsan/melee

bench: $(BUILD)/melee
	@tests/bench/bench.sh $(BUILD)/melee
	@BUILD=$(BUILD) MELEE=$(BUILD)/melee tests/bench/bench-check.sh
	@MELEE=$(BUILD)/melee tests/bench/bench-idle.sh

screenshots: $(BUILD)/melee
	@tests/screenshots.sh $(BUILD)/melee "$(SHOT_PACKAGES)"

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/melee/profiles
	install -m 0755 $(BUILD)/melee $(DESTDIR)$(PREFIX)/bin/melee
	install -m 0644 profiles/*.yaml $(DESTDIR)$(PREFIX)/share/melee/profiles/

clean:
	rm -rf build
