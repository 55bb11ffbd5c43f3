#!/usr/bin/env bash
# Benchmarks `list` and the offline gate over a generated monorepo (dist/gen-monorepo.py),
# side by side in one run with `rg -l -i thumbprint` over the same tree: wall time (hyperfine
# when installed, else a timed loop) and peak memory (GNU time's maximum resident set size).
#
#   dist/bench-walk.sh            FILES=10000 RUNS=10 SEED=1 BENCH_DIR=(a temporary folder)
#
# The limits it checks: `list` within 2x the median wall time of rg, `check --offline` with
# saved chains within 1.5x that of `list`, and each under 100 MB peak memory, the gate writing
# every report (JUnit, SARIF, JSON, job summary, annotations) included. It exits 1 when one is
# broken.
#
# The binary is a release build without the `net` and `aws` features
# (`cargo build --release --no-default-features`): `list` and `check --offline` use neither,
# so the walk, the readers and the evaluation are the same code as in the default build.
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=${FILES:-10000}
RUNS=${RUNS:-10}
SEED=${SEED:-1}
LIST_LIMIT=2.0
CHECK_LIMIT=1.5
MEMORY_LIMIT_MB=100

say() { printf '==> %s\n' "$*" >&2; }

say "building: cargo build --release --no-default-features"
cargo build --release --no-default-features --quiet
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
BIN="$target_dir/release/oidc-thumb-check"

work=${BENCH_DIR:-$(mktemp -d)}
say "generating $FILES files in $work"
python3 dist/gen-monorepo.py "$work" --files "$FILES" --seed "$SEED" >&2
cd "$work/repo"

expected=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["declarations"])' ../expected.json)
found=$("$BIN" list --format json . | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["declarations"]))')
if [ "$found" != "$expected" ]; then
    say "list found $found declarations where the generator wrote $expected (is vendor/ read?)"
    exit 1
fi
say "list finds the $expected declarations the generator wrote, and none of vendor/"

names=()
commands=()
if command -v rg >/dev/null; then
    names+=("rg -l -i thumbprint")
    commands+=("rg -l -i thumbprint")
else
    say "ripgrep (rg) is not installed: the comparison with rg is SKIPPED"
    say "install it with 'apt-get install ripgrep' (or 'cargo install ripgrep') and run again"
fi
# The gate as the Action runs it: every report written, annotations on stdout.
reports=$(mktemp -d)
names+=("list" "check --offline" "check, every report")
commands+=("$BIN list ." "$BIN check --offline --chains ../chains ."
    "$BIN check --offline --chains ../chains --annotations always --junit $reports/junit.xml --sarif $reports/report.sarif --json $reports/report.json --summary $reports/summary.md .")

# For each command, in order, one line: median, min and max wall time, and mean CPU time
# (user + system; "nan" when unknown), in seconds.
results=$(mktemp)
if command -v hyperfine >/dev/null; then
    say "timing with hyperfine: $RUNS runs each after 3 warm-up runs"
    hyperfine --style basic --warmup 3 --runs "$RUNS" --ignore-failure --shell=none \
        --export-json "$results" "${commands[@]}" >&2
    medians=$(python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["median"], min(r["times"]), max(r["times"]), r["user"] + r["system"])' "$results")
else
    say "hyperfine is not installed: timing with a loop of $RUNS runs each after 3 warm-up runs"
    medians=""
    for command in "${commands[@]}"; do
        for _ in 1 2 3; do $command >/dev/null 2>&1 || true; done
        times=()
        for _ in $(seq "$RUNS"); do
            start=$(date +%s%N)
            $command >/dev/null 2>&1 || true
            end=$(date +%s%N)
            times+=("$(((end - start) / 1000))")
        done
        medians+=$(printf '%s\n' "${times[@]}" | python3 -c 'import statistics,sys
t=[int(x) / 1e6 for x in sys.stdin]; print(statistics.median(t), min(t), max(t), "nan")')
        medians+=$'\n'
    done
fi
rm -f "$results"

# Peak resident memory in MB, the largest of three runs.
peak_mb() {
    local most=0 kb
    for _ in 1 2 3; do
        kb=$(/usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}')
        if [ "${kb:-0}" -gt "$most" ]; then most=$kb; fi
    done
    echo "$most" | awk '{printf "%.1f", $1 / 1024}'
}
memory=()
if [ -x /usr/bin/time ]; then
    for command in "${commands[@]}"; do
        # shellcheck disable=SC2086 # the command is split into its words on purpose
        memory+=("$(peak_mb $command)")
    done
else
    say "GNU time (/usr/bin/time) is not installed: peak memory is not measured (apt-get install time)"
    for _ in "${commands[@]}"; do memory+=("-"); done
fi

rm -rf "$reports"
python3 - "$LIST_LIMIT" "$CHECK_LIMIT" "$MEMORY_LIMIT_MB" "$FILES" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')" \
    "$(printf '%s\n' "${names[@]}")" "$medians" "$(printf '%s\n' "${memory[@]}")" <<'EOF'
import sys

list_limit, check_limit, memory_limit = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
files, cores, load = sys.argv[4], sys.argv[5], sys.argv[6]
names = sys.argv[7].splitlines()
times = [tuple(float(x) for x in line.split()) for line in sys.argv[8].splitlines() if line.strip()]
memory = sys.argv[9].splitlines()
median = {name: t[0] for name, t in zip(names, times)}

failed = []
rows = []
for name, (med, low, high, cpu), mb in zip(names, times, memory):
    against = ""
    if name == "list" and "rg -l -i thumbprint" in median:
        ratio = med / median["rg -l -i thumbprint"]
        against = f"{ratio:.2f}x rg (limit {list_limit}x)"
        if ratio > list_limit:
            failed.append(f"list takes {against}")
    if name == "check, every report":
        against = f"{med / median['list']:.2f}x list"
    if name == "check --offline":
        ratio = med / median["list"]
        against = f"{ratio:.2f}x list (limit {check_limit}x)"
        if ratio > check_limit:
            failed.append(f"check --offline takes {against}")
    if name != "rg -l -i thumbprint" and mb != "-" and float(mb) >= memory_limit:
        failed.append(f"{name} peaks at {mb} MB (limit {memory_limit:.0f} MB)")
    rows.append((name, f"{med * 1000:.1f} ms", f"{low * 1000:.1f} ms", f"{high * 1000:.1f} ms",
                 "-" if cpu != cpu else f"{cpu * 1000:.1f} ms", f"{mb} MB" if mb != "-" else "-",
                 against))

header = ("command", "median wall", "min", "max", "CPU (user+sys)", "peak RSS", "wall ratio")
widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
print(f"\n{files} generated files, {cores} cores, load average {load} when the timing ended")
for row in [header] + rows:
    print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
if failed:
    print("\nLIMIT BROKEN: " + "; ".join(failed))
    sys.exit(1)
print("\nevery limit holds")
EOF
