#!/usr/bin/env bash
# Peak memory of the binary against each hostile peer of tests/hostile_network.rs (slow,
# endless, oversized, garbage, alert, redirect, deeply nested, misdirected, and the gate
# judging six of them at once), as GNU time measures it for each run, and the largest.
# The tests assert each run stays under 64 MiB; this prints the figures for the README.
#
#   dist/bench-hostile.sh
#
# The binary is the debug build the tests run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/time ]; then
    echo "GNU time (/usr/bin/time) is not installed: nothing to measure (apt-get install time)" >&2
    exit 1
fi
cargo test --quiet --test hostile_network --no-run 2>/dev/null
cargo test --test hostile_network -- --nocapture --test-threads 1 2>&1 |
    awk '
        /^test / { name = $2 }
        /peak memory/ {
            kib = $(NF - 1); if (name == "") name = "?"
            printf "%-72s %6.1f MiB\n", name, kib / 1024
            if (kib > most) { most = kib; worst = name }
            name = ""
        }
        END { printf "largest: %.1f MiB (%s)\n", most / 1024, worst }'
