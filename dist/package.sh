#!/usr/bin/env bash
# Packs a built binary as a release archive, with its SHA-256 beside it:
#
#   bash dist/package.sh VERSION TARGET BINARY OUT_DIR
#
# writes OUT_DIR/oidc-thumb-check-vVERSION-TARGET.tar.gz, holding the folder
# oidc-thumb-check-vVERSION-TARGET/ with the binary (oidc-thumb-check, .exe on Windows targets),
# README.md and the licence files, and OUT_DIR/<archive>.sha256 in `sha256sum` format. The
# release workflow runs it on every target; dist/install.sh unpacks the same layout.
set -euo pipefail

if [[ $# -ne 4 ]]; then
  echo "usage: bash dist/package.sh VERSION TARGET BINARY OUT_DIR" >&2
  exit 2
fi
version=$1 target=$2 binary=$3 out=$4
root=$(cd "$(dirname "$0")/.." && pwd)

[[ -f $binary ]] || { echo "package.sh: no binary at $binary" >&2; exit 1; }
exe=
[[ $target == *-windows-* ]] && exe=.exe
name="oidc-thumb-check-v$version-$target"

mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/oidc-thumb-check$exe"
chmod 755 "$stage/$name/oidc-thumb-check$exe"
for doc in README.md LICENSE LICENSE-MIT LICENSE-APACHE; do
  [[ -f $root/$doc ]] && cp "$root/$doc" "$stage/$name/"
done

# Relative names only: GNU tar on Windows would read "D:/..." as a remote host.
(cd "$stage" && tar -czf "$name.tar.gz" "$name")
mv "$stage/$name.tar.gz" "$out/"

if command -v sha256sum >/dev/null 2>&1; then
  (cd "$out" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
else
  (cd "$out" && shasum -a 256 "$name.tar.gz" >"$name.tar.gz.sha256")
fi
echo "$out/$name.tar.gz"
