# jury — the two commands of the README, plus benches and fuzzing.
# Every target first installs what a fresh Debian machine with only Rust lacks.

SHELL := /bin/bash
APT_PACKAGES := pkg-config libssl-dev libmpv-dev ffmpeg tmux
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
	$(CARGO) clippy --all-targets -- -D warnings
	$(CARGO) check --lib --no-default-features
	$(CARGO) test --all-targets

bench: deps
	$(CARGO) bench
