#!/usr/bin/env bash
# Records the SHA-256 of release archives in dist/checksums.txt, the file dist/install.sh
# verifies downloads against:
#
#   bash dist/record-checksums.sh [--file CHECKSUMS] SHA256_FILE...
#
# Each SHA256_FILE is an archive's `.sha256` (written by dist/package.sh). An entry for the same
# archive name is replaced; the others are kept; the entries stay sorted by name.
set -euo pipefail

checksums="$(cd "$(dirname "$0")" && pwd)/checksums.txt"
if [[ ${1:-} == --file ]]; then
  checksums=$2
  shift 2
fi
if [[ $# -eq 0 ]]; then
  echo "usage: bash dist/record-checksums.sh [--file CHECKSUMS] SHA256_FILE..." >&2
  exit 2
fi

entries=$(mktemp)
trap 'rm -f "$entries" "$entries.new"' EXIT
[[ -f $checksums ]] && grep -E '^[0-9a-f]{64}  ' "$checksums" >"$entries" || true

for file in "$@"; do
  read -r hash name rest <"$file" || true
  name=${name#\*}
  if [[ ! $hash =~ ^[0-9a-f]{64}$ || -z $name || -n ${rest:-} || $name == */* ]]; then
    echo "record-checksums.sh: $file is not one '<sha256>  <archive name>' line" >&2
    exit 1
  fi
  awk -v name="$name" '$2 != name' "$entries" >"$entries.new"
  printf '%s  %s\n' "$hash" "$name" >>"$entries.new"
  mv "$entries.new" "$entries"
done

{
  echo "# SHA-256 of the release archives, in sha256sum format. dist/install.sh downloads an"
  echo "# archive only when its name is listed here and runs it only when the hash matches."
  echo "# The release workflow adds the entries of each release (dist/record-checksums.sh)."
  sort -k 2 "$entries"
} >"$checksums"
