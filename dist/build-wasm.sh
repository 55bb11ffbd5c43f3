#!/usr/bin/env bash
# Builds the offline checker as a WebAssembly module for WASI (wasm32-wasip1): no network, no
# AWS, the walk on one thread. Writes dist/out/oidc-thumb-check.wasm, prints its size and the
# path on the last line of stdout, and exits 1 when the module is larger than the limit.
#
#   dist/build-wasm.sh            WASM_SIZE_LIMIT=3000000 (bytes)
#
# Run it with wasmtime, the folder to check preopened:
#
#   wasmtime run --dir=. dist/out/oidc-thumb-check.wasm check --offline --chains chains .
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=wasm32-wasip1
LIMIT=${WASM_SIZE_LIMIT:-3000000}
OUT=dist/out/oidc-thumb-check.wasm

say() { printf '==> %s\n' "$*" >&2; }

if command -v rustup >/dev/null 2>&1; then
    rustup target add "$TARGET" >/dev/null 2>&1 || rustup target add "$TARGET" >&2
fi

say "cargo build --release --no-default-features --target $TARGET"
start=$(date +%s)
cargo build --release --no-default-features --target "$TARGET" >&2
say "built in $(($(date +%s) - start)) s"

target_dir=${CARGO_TARGET_DIR:-$PWD/target}
mkdir -p "$(dirname "$OUT")"
cp "$target_dir/$TARGET/release/oidc-thumb-check.wasm" "$OUT"

size=$(wc -c <"$OUT" | tr -d ' ')
say "$OUT: $size bytes ($(awk -v b="$size" 'BEGIN { printf "%.2f", b / 1048576 }') MiB)"
if [ "$size" -gt "$LIMIT" ]; then
    say "the module is larger than the $LIMIT-byte limit"
    exit 1
fi
echo "$PWD/$OUT"
