#!/usr/bin/env bash
# Times one `thumbprint` run over many loopback hosts whose TLS handshakes are slow.
#
#   dist/bench-thumbprint.sh [COUNT] [DELAY_MS]     (defaults: 50 hosts, 200 ms each)
#
# The hosts are 127.0.0.2, 127.0.0.3, ... each on its own port, served by the
# bench_servers example. PROFILE=release times an optimised build (default: dev).
set -euo pipefail

count=${1:-50}
delay=${2:-200}
profile=${PROFILE:-dev}
cd "$(dirname "$0")/.."

cargo build --quiet --profile "$profile" --bin oidc-thumb-check --example bench_servers
target=${CARGO_TARGET_DIR:-target}
case $profile in
  dev) out=$target/debug ;;
  *) out=$target/$profile ;;
esac

work=$(mktemp -d)
trap 'exec 3>&-; rm -rf "$work"' EXIT
mkfifo "$work/stdin"
"$out/examples/bench_servers" "$count" "$delay" <"$work/stdin" >"$work/targets" &
exec 3>"$work/stdin"
until grep -qx ready "$work/targets" 2>/dev/null; do sleep 0.05; done
mapfile -t targets < <(grep -vx ready "$work/targets")

start=$(date +%s%N)
"$out/oidc-thumb-check" thumbprint --allow-private-addresses --timeout 5 "${targets[@]}" \
  >"$work/output"
end=$(date +%s%N)

checked=$(grep -c '^127\.0\.0\.[0-9]*:[0-9]*  [0-9a-f]\{40\}$' "$work/output" || true)
elapsed_ms=$(((end - start) / 1000000))
printf '%d of %d hosts (%d ms handshake delay each) checked in %d.%03d s (%s build, %d cores)\n' \
  "$checked" "${#targets[@]}" "$delay" $((elapsed_ms / 1000)) $((elapsed_ms % 1000)) \
  "$profile" "$(nproc)"
