#!/usr/bin/env bash
# Installs the oidc-thumb-check binary the GitHub Action runs, at the version of the action's
# own checkout, and prints its path on stdout (and as the step output `path`).
#
# The version is the one in the action's Cargo.toml, so `uses: ...@v1`, `@v1.2.3` or `@<sha>`
# runs exactly the code that ref holds. The binary comes from the first of:
#   1. dist/bin/TARGET/oidc-thumb-check[.exe] in the action's checkout (a vendored fork);
#   2. the release archive of that version, downloaded and checked against the SHA-256 recorded
#      in dist/checksums.txt; a mismatch stops here, and a version or target without an entry
#      is never downloaded;
#   3. `cargo install --locked` from the action's own checkout.
#
# Environment:
#   RUNNER_OS, RUNNER_ARCH              pick the target (uname when they are unset)
#   GITHUB_ACTION_PATH                  the action's checkout (default: this script's parent)
#   OIDC_THUMB_CHECK_DOWNLOAD_BASE      where release archives live, as BASE/vVERSION/ARCHIVE
#                                       (default: the releases of the action's repository)
#   OIDC_THUMB_CHECK_ACTION_REPOSITORY  owner/name of the action (github.action_repository)
#   OIDC_THUMB_CHECK_INSTALL_DIR        where to put the binary (default: under RUNNER_TEMP)
#
# `install.sh --print-target` prints the target it would install for, and nothing else.
set -euo pipefail

# escape_command and set_output.
# shellcheck source=dist/workflow-commands.sh
source "$(dirname "${BASH_SOURCE[0]}")/workflow-commands.sh"

# The runner's temporary folder, in the form bash tools take (Git Bash on Windows included).
temp_root() {
  local dir=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
  if command -v cygpath >/dev/null 2>&1; then
    dir=$(cygpath -u "$dir")
  fi
  printf '%s' "${dir%/}"
}

say() { printf 'oidc-thumb-check install: %s\n' "$*" >&2; }

fail() {
  if [[ ${GITHUB_ACTIONS:-} == true ]]; then
    printf '::error title=oidc-thumb-check install::%s\n' "$(escape_command "$*")" >&2
  fi
  printf 'oidc-thumb-check install: error: %s\n' "$*" >&2
  exit 1
}

# The Rust target triple of the release archive for this runner.
detect_target() {
  local os=${RUNNER_OS:-} arch=${RUNNER_ARCH:-}
  if [[ -z $os ]]; then
    case "$(uname -s)" in
      Linux) os=Linux ;;
      Darwin) os=macOS ;;
      MINGW* | MSYS* | CYGWIN*) os=Windows ;;
      *) os=$(uname -s) ;;
    esac
  fi
  if [[ -z $arch ]]; then
    case "$(uname -m)" in
      x86_64 | amd64) arch=X64 ;;
      aarch64 | arm64) arch=ARM64 ;;
      *) arch=$(uname -m) ;;
    esac
  fi
  case "$os/$arch" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    # Windows on ARM runs x86_64 programs through its emulation layer.
    Windows/X64 | Windows/ARM64) echo x86_64-pc-windows-msvc ;;
    *) echo "unsupported:$os/$arch" ;;
  esac
}

# The version in [workspace.package] of the action's Cargo.toml.
read_version() {
  local manifest=$1
  [[ -f $manifest ]] || fail "no Cargo.toml in the action's checkout ($manifest)"
  sed -n '/^\[workspace\.package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$manifest" | head -n 1
}

# The owner/name of the repository in the action's Cargo.toml, for the default download base.
read_repository_url() {
  sed -n 's/^repository *= *"\(https:\/\/[^"]*\)".*/\1/p' "$1" | head -n 1
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
  else
    fail "no sha256sum, shasum or openssl to verify the download with"
  fi
}

download() {
  local url=$1 out=$2
  if command -v curl >/dev/null 2>&1; then
    curl --fail --silent --show-error --location --retry 3 --output "$out" "$url"
  elif command -v wget >/dev/null 2>&1; then
    wget --quiet --tries=3 --output-document="$out" "$url"
  else
    fail "neither curl nor wget is installed to download $url"
  fi
}

# Refuses a binary that does not say it is the expected version.
check_version() {
  local bin=$1 version=$2 reported
  reported=$("$bin" --version 2>/dev/null) || fail "$bin does not run ($bin --version failed)"
  reported=${reported%$'\r'}
  [[ $reported == "oidc-thumb-check $version" ]] ||
    fail "$bin reports '$reported', expected 'oidc-thumb-check $version' (the action's Cargo.toml)"
}

finish() {
  local bin=$1 source=$2 version=$3
  check_version "$bin" "$version"
  set_output path "$bin"
  set_output source "$source"
  set_output version "$version"
  printf '%s\n' "$bin"
}

main() {
  local script_dir action_dir target exe version archive expected base url
  script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  action_dir=${GITHUB_ACTION_PATH:-$(dirname "$script_dir")}
  if command -v cygpath >/dev/null 2>&1; then
    action_dir=$(cygpath -u "$action_dir")
  fi
  target=$(detect_target)

  if [[ ${1:-} == --print-target ]]; then
    printf '%s\n' "$target"
    return
  fi

  version=$(read_version "$action_dir/Cargo.toml")
  [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] ||
    fail "no usable version in $action_dir/Cargo.toml ([workspace.package] version = \"$version\")"
  exe=
  [[ $target == *-windows-* ]] && exe=.exe

  # 1. A binary committed to the action's checkout for this target.
  local vendored="$action_dir/dist/bin/$target/oidc-thumb-check$exe"
  if [[ $target != unsupported:* && -f $vendored ]]; then
    say "$version for $target: the binary shipped in dist/bin/$target (no download)"
    finish "$vendored" vendored "$version"
    return
  fi

  # 2. The release archive, only when dist/checksums.txt records its SHA-256.
  archive="oidc-thumb-check-v$version-$target.tar.gz"
  expected=
  if [[ $target != unsupported:* && -f $action_dir/dist/checksums.txt ]]; then
    expected=$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1; exit }' \
      "$action_dir/dist/checksums.txt")
  fi
  if [[ -n $expected ]]; then
    base=${OIDC_THUMB_CHECK_DOWNLOAD_BASE:-}
    if [[ -z $base ]]; then
      if [[ -n ${OIDC_THUMB_CHECK_ACTION_REPOSITORY:-} ]]; then
        base="${GITHUB_SERVER_URL:-https://github.com}/$OIDC_THUMB_CHECK_ACTION_REPOSITORY"
      else
        base=$(read_repository_url "$action_dir/Cargo.toml")
      fi
      base="$base/releases/download"
    fi
    url="${base%/}/v$version/$archive"

    local install_dir work actual
    install_dir=${OIDC_THUMB_CHECK_INSTALL_DIR:-$(temp_root)/oidc-thumb-check/v$version/$target}
    work="$(temp_root)/oidc-thumb-check-download-$$-$RANDOM"
    mkdir -p "$install_dir" "$work"

    say "$version for $target: downloading $url"
    if download "$url" "$work/$archive"; then
      actual=$(sha256_of "$work/$archive")
      if [[ $actual != "$expected" ]]; then
        rm -rf "$work"
        fail "SHA-256 mismatch for $archive: dist/checksums.txt records $expected, the download from $url has $actual; refusing to run it"
      fi
      say "SHA-256 $actual matches dist/checksums.txt"
      # Relative names: GNU tar would read "D:/..." as a remote host.
      (cd "$work" && tar -xzf "$archive")
      local unpacked="$work/oidc-thumb-check-v$version-$target/oidc-thumb-check$exe"
      [[ -f $unpacked ]] || fail "$archive does not hold oidc-thumb-check-v$version-$target/oidc-thumb-check$exe"
      mv -f "$unpacked" "$install_dir/oidc-thumb-check$exe"
      chmod +x "$install_dir/oidc-thumb-check$exe"
      rm -rf "$work"
      say "$version for $target: the verified release archive"
      finish "$install_dir/oidc-thumb-check$exe" release "$version"
      return
    fi
    rm -rf "$work"
    say "the download of $url failed; building from the action's checkout instead"
  elif [[ $target == unsupported:* ]]; then
    say "no release archive for ${target#unsupported:}; building from the action's checkout"
  else
    say "dist/checksums.txt has no entry for $archive, so nothing is downloaded; building from the action's checkout"
  fi

  # 3. The last resort: build the action's own source, with its Cargo.lock.
  command -v cargo >/dev/null 2>&1 ||
    fail "no release archive to verify for $version on $target, and no cargo to build it: pin a released version, or install Rust before this step"
  local root=${OIDC_THUMB_CHECK_INSTALL_DIR:-$(temp_root)/oidc-thumb-check/v$version/source}
  say "$version: cargo install --locked --path $action_dir (this takes a few minutes)"
  cargo install --locked --quiet --path "$action_dir" --root "$root" --bin oidc-thumb-check >&2
  say "$version: built from the action's checkout"
  finish "$root/bin/oidc-thumb-check$exe" source "$version"
}

main "$@"
