#!/usr/bin/env bash
# Time and peak memory of reading a large Terraform plan in JSON (`terraform show -json`),
# named on the command line: a generated plan of MB megabytes (S3 buckets in planned_values,
# resource_changes with before and after, prior_state and configuration, as Terraform writes
# them) with one OIDC provider among them. `list` must find that provider.
#
#   dist/bench-plan.sh [MB...]        10, 30 and 60 by default (a named file may hold 64 MiB)
#
# The binary is a release build without the `net` and `aws` features: reading a plan uses
# neither.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10 30 60)
if [ ! -x /usr/bin/time ]; then
    echo "GNU time (/usr/bin/time) is not installed: nothing to measure (apt-get install time)" >&2
    exit 1
fi

cargo build --release --no-default-features --quiet
BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/oidc-thumb-check"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for mb in "${sizes[@]}"; do
    python3 - "$work/plan.json" "$mb" <<'PY'
import json, sys
path, mb = sys.argv[1], float(sys.argv[2])
def bucket(i):
    return {"bucket": f"logs-{i}", "acl": "private", "force_destroy": False,
            "tags": {"team": "platform", "cost-centre": f"cc-{i % 97}"}}
def planned(i):
    return {"address": f"aws_s3_bucket.b[{i}]", "mode": "managed", "type": "aws_s3_bucket",
            "name": "b", "index": i, "values": bucket(i)}
def change(i):
    return {"address": f"aws_s3_bucket.b[{i}]", "type": "aws_s3_bucket",
            "change": {"actions": ["update"], "before": bucket(i), "after": bucket(i + 1)}}
def prior(i):
    return {"address": f"aws_s3_bucket.b[{i}]", "type": "aws_s3_bucket", "values": bucket(i)}
provider = {"address": "aws_iam_openid_connect_provider.github", "mode": "managed",
            "type": "aws_iam_openid_connect_provider", "name": "github",
            "values": {"url": "https://token.actions.githubusercontent.com",
                       "client_id_list": ["sts.amazonaws.com"],
                       "thumbprint_list": ["6938fd4d98bab03faadb97b34396831e3780aea1"]}}
# Every bucket stands in planned_values, resource_changes and prior_state.
per_bucket = sum(len(json.dumps(f(50000))) + 1 for f in (planned, change, prior))
count = int(mb * 1e6 / per_bucket)
def section(f):
    return ",".join(json.dumps(f(i)) for i in range(count))
with open(path, "w") as out:
    out.write('{"format_version":"1.2","terraform_version":"1.9.5",')
    out.write('"planned_values":{"root_module":{"resources":[' + section(planned) + ","
              + json.dumps(provider) + "]}},")
    out.write('"resource_changes":[' + section(change) + "],")
    out.write('"prior_state":{"values":{"root_module":{"resources":[' + section(prior) + "]}}},")
    out.write('"configuration":{"root_module":{}}}')
PY
    size=$(stat -c %s "$work/plan.json")
    found=$("$BIN" list --format json "$work/plan.json" |
        python3 -c 'import json,sys; print(len(json.load(sys.stdin)["declarations"]))')
    if [ "$found" != 1 ]; then
        echo "list found $found providers in the plan where there is 1" >&2
        exit 1
    fi
    /usr/bin/time -f '%e %M' -o "$work/time" "$BIN" list --format json "$work/plan.json" >/dev/null
    read -r seconds kib <"$work/time"
    awk -v s="$size" -v t="$seconds" -v k="$kib" \
        'BEGIN { printf "plan of %.1f MB: %.2f s, peak RSS %.1f MB\n", s / 1e6, t, k / 1024 }'
done
