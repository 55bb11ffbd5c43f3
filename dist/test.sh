#!/usr/bin/env bash
# Sets up what the tests need on a fresh machine, then runs every check and test:
# formatting, lints, the WebAssembly module, the whole test suite (which runs the module
# under wasmtime against the native binary), and the fuzz targets: their saved inputs, then a
# short run of each.
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
cargo fmt --manifest-path fuzz/Cargo.toml -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "core's documentation builds without warnings"
RUSTDOCFLAGS="-D warnings" cargo doc -p oidc-thumb-core --no-deps --quiet

step "the offline checker builds as a WebAssembly module (wasm32-wasip1)"
# The module holds the core and the offline binary; tests/wasi.rs runs it under wasmtime and
# compares it with the native binary, and skips only when this variable is unset.
OIDC_THUMB_CHECK_WASM=$(bash dist/build-wasm.sh | tail -n 1)
export OIDC_THUMB_CHECK_WASM

step "tests"
cargo test --workspace

step "fuzz targets: every saved failing input and every hostile input returns (fuzz/)"
cargo clippy --manifest-path fuzz/Cargo.toml --no-default-features --all-targets -- -D warnings
cargo test --manifest-path fuzz/Cargo.toml --no-default-features

step "fuzz targets build with libFuzzer, and each runs 10 s (dist/fuzz.sh)"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
bash dist/fuzz.sh 10
