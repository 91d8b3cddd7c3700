# xlt — a Xen toolstack on libxl.
#   make             $(BUILD)/bin/xlt, xltd, bin/drivers/*, and man/ (the man pages)
#   make unit        the unit tests, ASan + UBSan, in $(BUILD)/san (check: the same)
#   make fuzz        libFuzzer on what xltd and xlt read, in $(BUILD)/fuzz
#   make tidy        clang-tidy, then scripts/check-index on the headers
#   make index       scripts/check-index alone: each header section true to its file
#   make layers      scripts/check-layers: no object refers to a layer above it
#   make depgraph    scripts/depgraph: which dom0 file uses which, and the cycles
#   make lab-check   the system tests on real Xen in QEMU (also: demo, bench)
#   make install     PREFIX, DESTDIR (and OCF_ROOT for ocf:xlt:domain); an
#                    existing /etc/xlt/xlt.conf is kept
#   make clean       what the build made, but the lab's base images; distclean: all

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build

CC      ?= cc
PKGS    := xenlight xlutil xenstore xencontrol xenguest xentoollog yajl uuid \
           gnutls
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
# xltd's audit trail goes to the journal and to auditd too; its
# statistics come from libxenstat, its /metrics is libmicrohttpd's
XLTD_LIBS  := $(shell pkg-config --libs libsystemd audit xenstat libmicrohttpd)
# Where the device drivers (libxl's hotplug scripts) are installed
DRIVER_DIR ?= $(PREFIX)/lib/xlt
# Where Pacemaker looks for resource agents (OCF_ROOT; not under PREFIX)
OCF_ROOT ?= /usr/lib/ocf
# Where Xen keeps pvgrub (xl's XENFIRMWAREDIR; Debian: /usr/lib/xen-X.Y/boot)
XEN_VERSION := $(shell pkg-config --modversion xenlight | cut -d. -f1,2)
XEN_FIRMWARE_DIR ?= /usr/lib/xen-$(XEN_VERSION)/boot

CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -DLIBXL_API_VERSION=0x041400 -DHAVE_YAJL_YAJL_VERSION_H \
           -DXEN_FIRMWARE_DIR='"$(XEN_FIRMWARE_DIR)"' \
           -DXLT_DRIVER_DIR='"$(DRIVER_DIR)"' \
           -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wmissing-declarations -Wcast-qual \
           -Ixlt/lib $(PKG_CFLAGS) -MMD -MP
LDLIBS  += $(PKG_LIBS) -pthread

ifeq ($(FUZZ),1)
CFLAGS  += -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
endif

ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC  := $(wildcard xlt/lib/*.c)
CLI_SRC  := $(wildcard xlt/cli/*.c)
# xltd in layers, each seeing only the headers below it: api/ -> core/ ->
# xlt/lib (dom0/ itself: main, loop, conf, log, notify)
D_CORE_SRC  := $(wildcard dom0/core/*.c)
D_UPPER_SRC := $(wildcard dom0/*.c dom0/api/*.c)
D_SRC    := $(D_UPPER_SRC) $(D_CORE_SRC)
D_CORE_INC  := -Idom0 -Idom0/core
D_UPPER_INC := -Idom0 -Idom0/core -Idom0/api
DRV_LIB  := drivers/hotplug.c
# vif-bridge's nft rules, pure (the unit tests link it too)
DRV_PART := drivers/antispoof.c
DRV_MAIN := $(filter-out $(DRV_LIB) $(DRV_PART),$(wildcard drivers/*.c))
TEST_SRC := $(wildcard tests/unit/*.c)

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
D_OBJ    := $(D_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)
# the unit tests link the CLI's command table and the daemon's pure parts
CLI_LIBOBJ := $(filter-out $(BUILD)/xlt/cli/main.o,$(CLI_OBJ))
D_LIBOBJ   := $(filter-out $(BUILD)/dom0/main.o,$(D_OBJ))

LIBXLT := $(BUILD)/libxlt.a
# the lab's lying migration peer (tests/peer), installed only into the lab
HOSTILE := $(BUILD)/bin/hostile-peer
XLT    := $(BUILD)/bin/xlt
XLTD   := $(BUILD)/bin/xltd
DRIVERS := $(DRV_MAIN:drivers/%.c=$(BUILD)/bin/drivers/%)
# rtnetlink for vif-bridge: libnl-route-3, the usual netlink library; and
# libnftables for its anti-spoofing rules (the library, not the nft program)
NL_CFLAGS := $(shell pkg-config --cflags libnl-route-3.0 libnftables)
NL_LIBS   := $(shell pkg-config --libs libnl-route-3.0 libnftables)
# What the drivers link: xenstore (hotplug.c; libxlt's lvm.c for
# block-lvm), and libnl and libnftables for vif-bridge; not the rest of
# $(PKG_LIBS).
DRV_LIBS  := $(shell pkg-config --libs xenstore)
# Man pages, made at build time: xlt.1 by the built xlt from its command
# table, xltd.8 and xlt.conf.5 as written in dom0/.
MAN    := $(BUILD)/man/xlt.1 $(BUILD)/man/xltd.8 $(BUILD)/man/xlt.conf.5
UNIT   := $(BUILD)/bin/unit-tests

.PHONY: all check unit fuzz lab-prepare lab-check demo bench install clean distclean dashboard \
        setup tidy index layers depgraph
all: $(XLT) $(XLTD) $(DRIVERS) $(MAN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

# core/ is compiled without api/'s headers, xlt/lib without dom0's
$(D_UPPER_SRC:%.c=$(BUILD)/%.o): CFLAGS += $(D_UPPER_INC)
$(D_CORE_SRC:%.c=$(BUILD)/%.o): CFLAGS += $(D_CORE_INC)

# xenctrl.h needs GNU C (anonymous unions)
GNU_SRC := dom0/core/xenctrl.c dom0/core/stats.c
$(GNU_SRC:%.c=$(BUILD)/%.o): CFLAGS += -std=gnu11

$(LIBXLT): $(LIB_OBJ)
	$(AR) rcs $@ $^

$(XLT): $(CLI_OBJ) $(LIBXLT)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(HOSTILE): $(BUILD)/tests/peer/hostile-peer.o $(LIBXLT)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(XLTD): $(D_OBJ) $(LIBXLT)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(XLTD_LIBS)

.SECONDARY: $(DRV_MAIN:%.c=$(BUILD)/%.o) $(BUILD)/drivers/hotplug.o \
            $(DRV_PART:%.c=$(BUILD)/%.o)
$(BUILD)/drivers/%.o: CFLAGS += $(NL_CFLAGS)
$(BUILD)/bin/drivers/vif-bridge: DRV_LIBS += $(NL_LIBS)
$(BUILD)/bin/drivers/vif-bridge: $(BUILD)/drivers/antispoof.o
$(BUILD)/bin/drivers/%: $(BUILD)/drivers/%.o $(BUILD)/drivers/hotplug.o $(LIBXLT)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(DRV_LIBS)

$(BUILD)/man/xlt.1: $(XLT)
	@mkdir -p $(dir $@)
	$(XLT) --man > $@.tmp && mv $@.tmp $@
$(BUILD)/man/%: dom0/%
	@mkdir -p $(dir $@)
	cp $< $@

$(BUILD)/tests/unit/test_xltd.o $(BUILD)/tests/unit/test_promtext.o: \
    CFLAGS += $(D_UPPER_INC)
$(BUILD)/tests/unit/test_antispoof.o: CFLAGS += -Idrivers
$(UNIT): $(TEST_OBJ) $(CLI_LIBOBJ) $(D_LIBOBJ) $(LIBXLT) $(DRV_PART:%.c=$(BUILD)/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(XLTD_LIBS) $(shell pkg-config --libs check)

# Unit tests: their own build tree, with sanitizers.
check: unit
unit:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/san SAN=1 $(BUILD)/san/bin/unit-tests
	XLT_SRCDIR=$(CURDIR) $(BUILD)/san/bin/unit-tests

# Fuzzing: libFuzzer (clang) on what xltd and xlt read from outside: the
# config mapping (seeded with every config file of the tree), the
# protocol's messages, save/migration headers, a migration peer's bytes
# at the channel (tests/fuzz/chan_fuzz.c) and the host topology with the
# CPU specs read against it, and store entries as xltd reads them back;
# FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := config proto savefile chan topology store
FUZZ_SEEDS_config := tests/unit/config/*.cfg configs/*.cfg
FUZZ_SEEDS_proto := tests/fuzz/seeds/proto/*
FUZZ_SEEDS_savefile := tests/unit/config/*.json
FUZZ_SEEDS_chan := tests/fuzz/seeds/chan/*
FUZZ_SEEDS_topology := tests/fuzz/seeds/topology/*
FUZZ_SEEDS_store := tests/fuzz/seeds/store/*
fuzz:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/fuzz CC=clang FUZZ=1 \
	    $(FUZZ_TARGETS:%=$(BUILD)/fuzz/bin/%-fuzz)
	@set -e; for t in $(FUZZ_TARGETS); do \
	    corpus=$(BUILD)/fuzz/corpus/$$t; log=$(BUILD)/fuzz/$$t.log; \
	    rm -rf $$corpus; mkdir -p $$corpus; \
	    case $$t in config) cp $(FUZZ_SEEDS_config) $$corpus/ ;; \
	        proto) cp $(FUZZ_SEEDS_proto) $$corpus/ ;; \
	        savefile) cp $(FUZZ_SEEDS_savefile) $$corpus/ ;; \
	        chan) cp $(FUZZ_SEEDS_chan) $$corpus/ ;; \
	        topology) cp $(FUZZ_SEEDS_topology) $$corpus/ ;; \
	        store) cp $(FUZZ_SEEDS_store) $$corpus/ ;; esac; \
	    echo "fuzz $$t ($(FUZZ_SECONDS) s):"; \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp \
	    $(BUILD)/fuzz/bin/$$t-fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	        -print_final_stats=1 $$corpus > $$log 2>&1 || \
	        { cat $$log; exit 1; }; \
	    grep -E '^(Done|stat::(number_of_executed_units|new_units_added|peak_rss))' $$log; \
	done

$(BUILD)/bin/%-fuzz: $(BUILD)/tests/fuzz/%_fuzz.o $(LIBXLT)
	@mkdir -p $(dir $@)
	$(CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)

# System tests: build, install into an overlay, boot the lab once.
LAB_OVERLAY := $(BUILD)/lab/overlay
# what only the HA boot needs (scripts/lab/ha-overlay: corosync, pacemaker,
# sbd, xmllint; their libraries, ICU's 31 MiB of data among them, come with
# them): not in every boot's RAM disk
HA_OVERLAY := $(BUILD)/lab/ha-overlay
# what only the statistics' boot needs (t-65, t-66): Debian's prometheus
# and promtool (static, ~48 MiB each), curl, and tmux with the terminfo
# entry it runs in and the C.UTF-8 locale it needs (run copies the
# libraries)
METRICS_OVERLAY := $(BUILD)/lab/metrics-overlay
lab-prepare: all $(HOSTILE)
	rm -rf $(LAB_OVERLAY)
	$(MAKE) --no-print-directory install PREFIX=/usr DESTDIR=$(CURDIR)/$(LAB_OVERLAY)
	mkdir -p $(LAB_OVERLAY)/lab/configs $(LAB_OVERLAY)/lab/bin
	install -m 0755 $(HOSTILE) $(LAB_OVERLAY)/lab/bin/
	cp tests/unit/config/*.cfg configs/*.cfg $(LAB_OVERLAY)/lab/configs/
	LAB_DIR=$(BUILD)/lab scripts/lab/ha-overlay
	rm -rf $(METRICS_OVERLAY)
	mkdir -p $(METRICS_OVERLAY)/usr/bin $(METRICS_OVERLAY)/lib/terminfo/s
	cp /usr/bin/prometheus /usr/bin/promtool /usr/bin/curl /usr/bin/tmux \
	    $(METRICS_OVERLAY)/usr/bin/
	cp /lib/terminfo/s/screen $(METRICS_OVERLAY)/lib/terminfo/s/
	mkdir -p $(METRICS_OVERLAY)/usr/lib/locale
	cp -r /usr/lib/locale/C.utf8 $(METRICS_OVERLAY)/usr/lib/locale/
	scripts/lab/build-base

# Eight boots, each well inside the runner's 900 s (at most about 450 s on
# a 2-core machine like the one in README, which has run the same boot
# half as fast again at times): the daemon, roles and the audit trail,
# PV and PVH guests' basics;
# lifecycle, vCPUs and memory; dedicated cores, CPU pools, HVM (slow
# to boot under emulation, its soft reset and migration in one boot) and
# the statistics (with METRICS_OVERLAY: Prometheus);
# devices, stopping in the middle, full disks and a stopped device model;
# save, restore and migration to this host; autoballoon and migration
# between hosts (a second host, B, booted for t-95); the cluster's
# resource agent (t-98) and a two-node Pacemaker cluster (t-99, B booted
# for it: about 370 s of its own), both with HA_OVERLAY.  All run even if
# one fails.
LAB_BOOT1 := $(sort $(wildcard tests/lab/t-[1-3]*.sh tests/lab/t-5*.sh))
LAB_BOOT2 := $(sort $(wildcard tests/lab/t-4[0-5]*.sh))
LAB_BOOT3 := $(sort $(wildcard tests/lab/t-4[67]*.sh tests/lab/t-6*.sh))
LAB_BOOT4 := $(sort $(wildcard tests/lab/t-7*.sh))
LAB_BOOT5 := $(sort $(wildcard tests/lab/t-8*.sh tests/lab/t-9[0-4]*.sh))
LAB_BOOT6 := $(sort $(wildcard tests/lab/t-4[89]*.sh tests/lab/t-9[5-7]*.sh))
LAB_BOOT7 := $(sort $(wildcard tests/lab/t-98*.sh))
LAB_BOOT8 := $(sort $(wildcard tests/lab/t-99*.sh))
LAB_RUN = scripts/lab/run --again-on-lab-fault --overlay $(LAB_OVERLAY) tests/lab/boot/sanity-begin.sh
lab-check: lab-prepare
	rc=0; \
	$(LAB_RUN) $(LAB_BOOT1) tests/lab/boot/sanity-end.sh || rc=1; \
	$(LAB_RUN) $(LAB_BOOT2) tests/lab/boot/sanity-end.sh || rc=1; \
	$(LAB_RUN) --overlay $(METRICS_OVERLAY) $(LAB_BOOT3) tests/lab/boot/sanity-end.sh || rc=1; \
	$(LAB_RUN) $(LAB_BOOT4) tests/lab/boot/sanity-end.sh || rc=1; \
	$(LAB_RUN) $(LAB_BOOT5) tests/lab/boot/sanity-end.sh || rc=1; \
	$(LAB_RUN) --peer $(LAB_BOOT6) tests/lab/boot/sanity-end.sh || rc=1; \
	$(LAB_RUN) --overlay $(HA_OVERLAY) $(LAB_BOOT7) tests/lab/boot/sanity-end.sh || rc=1; \
	$(LAB_RUN) --peer --overlay $(HA_OVERLAY) $(LAB_BOOT8) tests/lab/boot/sanity-end.sh || rc=1; \
	exit $$rc

demo: lab-prepare
	scripts/lab/run --show --peer --overlay $(LAB_OVERLAY) tests/lab/demo.sh

# Benchmarks (not tests): xlt against stock xl in one lab boot.
# The raw runs go to $(BENCH_JSON); the table is printed at the end.
# perf goes into dom0 for scripts/bench/profile.sh (an overlay of its own);
# 4 GiB for the host, so that density.sh's 20 guests fit; a second host
# for migrate-hosts.sh and pacemaker.sh (with HA_OVERLAY: the cluster);
# METRICS_OVERLAY's curl for metrics.sh.
BENCH_JSON := $(BUILD)/bench/runs.json
BENCH_OVERLAY := $(BUILD)/lab/bench-overlay
bench: lab-prepare
	rm -rf $(BENCH_JSON) $(BENCH_OVERLAY)
	mkdir -p $(BENCH_OVERLAY)/usr/bin
	cp -L /usr/bin/perf $(BENCH_OVERLAY)/usr/bin/perf
	rc=0; LAB_QEMU_MEM=4096 LAB_TEST_TIMEOUT=1500 \
	    scripts/lab/run --timeout 4000 --peer --bench $(BENCH_JSON) \
	    --overlay $(LAB_OVERLAY) --overlay $(HA_OVERLAY) --overlay $(BENCH_OVERLAY) \
	    --overlay $(METRICS_OVERLAY) \
	    $(sort $(wildcard scripts/bench/*.sh)) || rc=1; \
	if [ -s $(BENCH_JSON) ]; then scripts/bench/report $(BENCH_JSON); fi; \
	exit $$rc

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/lib/systemd/system \
	           $(DESTDIR)/etc/xlt/examples $(DESTDIR)$(PREFIX)/share/man/man1 \
	           $(DESTDIR)$(PREFIX)/share/man/man5 \
	           $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(DRIVER_DIR)
	install -m 0755 $(XLT) $(XLTD) $(DESTDIR)$(PREFIX)/sbin/
	install -m 0755 $(DRIVERS) $(DESTDIR)$(DRIVER_DIR)/
	install -d $(DESTDIR)$(OCF_ROOT)/resource.d/xlt
	install -m 0755 ocf/domain $(DESTDIR)$(OCF_ROOT)/resource.d/xlt/domain
	for u in xltd xlt-guests; do \
	    sed 's|@SBINDIR@|$(PREFIX)/sbin|' dom0/$$u.service \
	        > $(DESTDIR)$(PREFIX)/lib/systemd/system/$$u.service; done
	install -m 0644 configs/xlt.conf configs/*.cfg $(DESTDIR)/etc/xlt/examples/
# xlt.conf is the administrator's once it exists: never overwritten
	[ -e $(DESTDIR)/etc/xlt/xlt.conf ] || \
	    install -m 0644 configs/xlt.conf $(DESTDIR)/etc/xlt/xlt.conf
	install -m 0644 $(BUILD)/man/xlt.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 $(BUILD)/man/xlt.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 0644 $(BUILD)/man/xltd.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -d $(DESTDIR)$(PREFIX)/share/xlt
	install -m 0644 configs/grafana-xlt.json $(DESTDIR)$(PREFIX)/share/xlt/

setup:
	scripts/setup.sh

# clean: everything under $(BUILD) (objects, bin/, man/, san/, fuzz/,
# bench/, the lab's overlays and logs) but the lab's base images, which
# scripts/lab/build-base makes from the installed packages, not from this
# tree, and which take minutes to make again.  distclean removes them too.
LAB_BASE := xen.elf vmlinuz vmlinux dom0-base.cpio.gz guest base.files base.stamp
clean:
	[ ! -d $(BUILD) ] || \
	    find $(BUILD) -mindepth 1 -maxdepth 1 ! -name lab -exec rm -rf {} +
	[ ! -d $(BUILD)/lab ] || find $(BUILD)/lab -mindepth 1 -maxdepth 1 \
	    $(LAB_BASE:%=! -name %) -exec rm -rf {} +

distclean:
	rm -rf $(BUILD)

# The layer rule, api -> core -> xlt/lib and never upward, on the objects.
layers: all
	scripts/check-layers $(BUILD)

# Which dom0 file refers to which, and the cycles among them.
depgraph: $(D_OBJ)
	@scripts/depgraph $(BUILD) dom0

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(D_OBJ:.o=.d) $(TEST_OBJ:.o=.d) \
         $(wildcard $(BUILD)/drivers/*.d)

# clang-tidy over every C file, with .clang-tidy's checks; then do the
# headers' sections list what each file defines?  (check-index wants all
# the headers of a folder at once, private ones too.)
INDEXED := $(wildcard xlt/lib/*.h xlt/cli/*.h dom0/*.h dom0/*/*.h drivers/*.h)
TIDY_FLAGS = $(filter-out -MMD -MP,$(CFLAGS))
tidy:
	clang-tidy -quiet $(LIB_SRC) $(CLI_SRC) -- $(TIDY_FLAGS)
	clang-tidy -quiet $(D_UPPER_SRC) -- $(TIDY_FLAGS) $(D_UPPER_INC)
	clang-tidy -quiet $(filter-out $(GNU_SRC),$(D_CORE_SRC)) -- $(TIDY_FLAGS) $(D_CORE_INC)
	clang-tidy -quiet $(GNU_SRC) -- $(TIDY_FLAGS) $(D_CORE_INC) -std=gnu11
	clang-tidy -quiet $(DRV_LIB) $(DRV_PART) $(DRV_MAIN) -- $(TIDY_FLAGS) $(NL_CFLAGS)
	scripts/check-index $(INDEXED)

index:
	scripts/check-index $(INDEXED)

# The Grafana dashboard's queries: PromQL promtool parses, of metrics
# xltd serves (dom0/api/promtext.c's names).
dashboard:
	scripts/check-dashboard configs/grafana-xlt.json dom0/api/promtext.c
