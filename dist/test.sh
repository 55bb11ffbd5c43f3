#!/usr/bin/env bash
# Sets up what the tests need on a fresh machine, then runs every check and test:
# formatting, lints, the WASI build of the core, and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain targets"
rustup target add wasm32-wasip1 >/dev/null 2>&1 || rustup target add wasm32-wasip1

step "the moto server (IAM and STS on loopback for tests/aws_*.rs), from PyPI into .venv"
# The tests start it themselves on a free port of 127.0.0.1; under CI=true they fail without it.
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check 'moto[server]==5.2.5'
OIDC_THUMB_CHECK_MOTO="$PWD/.venv/bin/moto_server"
export OIDC_THUMB_CHECK_MOTO

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "core builds for wasm32-wasip1"
cargo build -p oidc-thumb-core --target wasm32-wasip1

step "tests"
cargo test --workspace
