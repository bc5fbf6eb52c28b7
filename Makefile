# jury — the two commands of the README, plus benches and fuzzing.
# Every target first installs what a fresh Debian machine with only Rust lacks.

SHELL := /bin/bash
APT_PACKAGES := pkg-config libssl-dev libmpv2 ffmpeg tmux fonts-noto-cjk
CARGO ?= cargo

.PHONY: deps demo test bench fuzz clean-demo

deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "jury: installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@for c in rustfmt clippy; do \
	  rustup component list --installed 2>/dev/null | grep -q "^$$c" || rustup component add $$c; \
	done

## Build and open the judge TUI on the demo contest (key JVRYD-EM0KE-Y2023-CQ000-00001).
demo: deps
	$(CARGO) run --release -- demo

## Format check, lints, every test (unit, integration, tmux end-to-end, snapshots).
test: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) check -p jury --lib --no-default-features
	$(CARGO) test --workspace --all-targets

## criterion benches; the media bench compares against the mpv command-line player.
bench: deps
	@dpkg-query -W -f='$${Status}' mpv 2>/dev/null | grep -q "install ok installed" || \
	  { SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends mpv; }
	$(CARGO) bench --workspace

## Fuzz the ballot verifier, the CSV/XLSX and DOCX importers and the sanitiser, FUZZ_SECONDS each (cargo-fuzz on
## nightly). Without a nightly toolchain the same fuzz bodies run as a long randomised
## `cargo test` instead (JURY_FUZZ_CASES inputs per target).
FUZZ_SECONDS ?= 180
FUZZ_TARGETS := verify_ballot import_table import_docx safe_line
fuzz: deps
	@if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then \
	  rustup toolchain install nightly --profile minimal || true; \
	fi; \
	if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then \
	  command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked; \
	  for t in $(FUZZ_TARGETS); do \
	    mkdir -p fuzz/corpus/$$t; \
	    (cd fuzz && $(CARGO) +nightly fuzz run $$t corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1) || exit 1; \
	  done; \
	else \
	  echo "jury: no nightly toolchain; running the fuzz bodies as a randomised cargo test"; \
	  JURY_FUZZ_CASES=$${JURY_FUZZ_CASES:-20000} $(CARGO) test --release --test integration fuzz_smoke; \
	fi
