#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/, cargo-fuzz with libFuzzer and AddressSanitizer) and runs each
# for SECONDS seconds, its corpus seeded from the test fixtures, the examples and
# fuzz/hostile/. Every target runs even when one fails; the script exits 1 if any did.
# libFuzzer writes a failing input (crash, hang of 10 s, or more than 1 GiB) under
# fuzz/artifacts/TARGET/; once the bug is fixed it belongs under fuzz/regressions/TARGET/,
# where `cargo test` in fuzz/ runs it again.
#
#   dist/fuzz.sh [SECONDS] [TARGET...]     SECONDS=60, every target by default
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). cargo-fuzz asks for a nightly
# compiler; RUSTC_BOOTSTRAP=1 lets the stable one stand in.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(terraform cloudformation source kubernetes pulumi_yaml terraform_plan
        discovery_document saved_chain cert_der)
fi

say() { printf '==> %s\n' "$*" >&2; }

# The files under the fixtures and examples that a target reads, by name.
patterns() {
    case $1 in
        cloudformation) echo '*.json *.yaml *.yml *.template' ;;
        kubernetes | pulumi_yaml) echo '*.yaml *.yml' ;;
        source) echo '*.ts *.js *.py' ;;
        terraform) echo '*.tf *.tfvars' ;;
        terraform_plan | discovery_document) echo '*.json' ;;
        saved_chain) echo '*.pem' ;;
        cert_der) echo '' ;;
    esac
}

seed() {
    local target=$1 corpus=corpus/$1 glob
    mkdir -p "$corpus"
    for glob in $(patterns "$target"); do
        find ../tests/fixtures ../examples -name "$glob" -type f -size -64k \
            -exec cp -t "$corpus" {} + 2>/dev/null || true
    done
    local saved
    for saved in hostile regressions; do
        if [ -d "$saved/$target" ]; then
            cp -t "$corpus" "$saved/$target"/* 2>/dev/null || true
        fi
    done
    if [ "$target" = cert_der ] && command -v openssl >/dev/null; then
        # Each certificate of the saved chains, as DER.
        local pem n=0
        while IFS= read -r pem; do
            n=$((n + 1))
            openssl x509 -in "$pem" -outform der -out "$corpus/seed-$n.der" 2>/dev/null || true
        done < <(find ../tests/fixtures ../examples -name '*.pem' -type f)
    fi
}

export RUSTC_BOOTSTRAP=1
say "building the fuzz targets"
cargo fuzz build -O

failed=()
for target in "${targets[@]}"; do
    seed "$target"
    say "$target: ${seconds} s"
    log=$(mktemp)
    if cargo fuzz run -O "$target" "corpus/$target" -- -max_total_time="$seconds" \
        -rss_limit_mb=1024 -max_len=65536 -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
        # The last status line: runs, coverage, features, corpus size.
        grep -E '^#[0-9]+' "$log" | tail -n 1 || true
        grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" || true
    else
        failed+=("$target")
        grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)|panicked' "$log" \
            | head -n 20 || true
        say "$target: failed; the input is under fuzz/artifacts/$target/"
    fi
    rm -f "$log"
done

if [ ${#failed[@]} -gt 0 ]; then
    say "failed: ${failed[*]}"
    exit 1
fi
say "every target ran ${seconds} s without a failure"
