#!/usr/bin/env bash
# Runs `oidc-thumb-check check` for the GitHub Action (action.yml).
#
# Every input arrives as an environment variable (INPUT_PATHS, INPUT_EXPIRY_DAYS, ...; the
# action's `env:` sets them), never as text pasted into a script. Each input becomes one flag
# of `check`; `args` adds options word by word; the paths come last, after `--`. Conflicting
# inputs stop the step with an error that names them, before anything runs.
#
# Step outputs: junit, sarif, json, summary (the reports written), failed and passed (from the
# JSON report's summary) and exit-code (0 pass, 1 the gate failed, 2 usage or configuration).
# The step exits with the code of `check`.
set -euo pipefail

# escape_command and set_output.
# shellcheck source=dist/workflow-commands.sh
source "$(dirname "${BASH_SOURCE[0]}")/workflow-commands.sh"

# A wrong input: an error annotation naming it, and exit code 2 like a wrong command line.
input_error() {
  printf '::error title=oidc-thumb-check inputs::%s\n' "$(escape_command "$*")"
  printf 'oidc-thumb-check action: %s\n' "$*" >&2
  set_output exit-code 2
  exit 2
}

# Sets REPLY to true or false from an input written in any case; anything else is an error
# naming the input.
boolean_input() {
  local name=$1 value
  value=$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')
  case "$value" in
    true | false) REPLY=$value ;;
    *) input_error "input $name must be true or false, got '$2'" ;;
  esac
}

# The non-empty lines of a multi-line input, without surrounding blanks or CR.
lines_of() {
  local line
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    line=${line#"${line%%[![:space:]]*}"}
    line=${line%"${line##*[![:space:]]}"}
    [[ -n $line ]] && printf '%s\n' "$line"
  done <<<"$1"
}

# summary.KEY of the JSON report: the first "KEY": N after the "summary" key. The report is
# written by the binary this action pins, so its shape is known; this needs no jq or Python,
# which self-hosted runners may lack.
summary_count() {
  local key=$1 file=$2 text
  [[ -f $file ]] || return 0
  text=$(tr -d '\r\n' <"$file")
  [[ $text == *'"summary"'* ]] || return 0
  text=${text#*\"summary\"}
  if [[ $text =~ \"$key\"[[:space:]]*:[[:space:]]*([0-9]+) ]]; then
    printf '%s' "${BASH_REMATCH[1]}"
  fi
}

main() {
  local bin=${OIDC_THUMB_CHECK_BIN:-}
  [[ -n $bin ]] || input_error "OIDC_THUMB_CHECK_BIN is not set: the install step did not run"

  local -a argv=(check)
  local line

  # Inputs with a flag of their own.
  [[ -n ${INPUT_CONFIG:-} ]] && argv+=(--config "$INPUT_CONFIG")
  if [[ -n ${INPUT_EXPIRY_DAYS:-} ]]; then
    [[ $INPUT_EXPIRY_DAYS =~ ^[0-9]+$ ]] ||
      input_error "input expiry-days must be a whole number of days, got '$INPUT_EXPIRY_DAYS'"
    argv+=(--expiry-days "$INPUT_EXPIRY_DAYS")
  fi
  [[ -n ${INPUT_JUNIT:-} ]] && argv+=(--junit "$INPUT_JUNIT")
  [[ -n ${INPUT_SARIF:-} ]] && argv+=(--sarif "$INPUT_SARIF")
  [[ -n ${INPUT_SUMMARY:-} ]] && argv+=(--summary "$INPUT_SUMMARY")
  local annotations=${INPUT_ANNOTATIONS:-auto}
  case "$annotations" in
    auto | always | never) argv+=(--annotations "$annotations") ;;
    *) input_error "input annotations must be auto, always or never, got '$annotations'" ;;
  esac
  while IFS= read -r line; do
    argv+=(--ca-file "$line")
  done < <(lines_of "${INPUT_CA_FILE:-}")
  boolean_input allow-private-addresses "${INPUT_ALLOW_PRIVATE_ADDRESSES:-false}"
  [[ $REPLY == true ]] && argv+=(--allow-private-addresses)
  boolean_input offline "${INPUT_OFFLINE:-false}"
  if [[ $REPLY == true ]]; then
    [[ -n ${INPUT_CHAINS:-} ]] ||
      input_error "input offline is true but chains is empty: offline checks read the saved chains in chains"
    argv+=(--offline --chains "$INPUT_CHAINS")
  elif [[ -n ${INPUT_CHAINS:-} ]]; then
    input_error "input chains is set but offline is not true: saved chains are read only offline (set offline: true, or remove chains)"
  fi

  # Two reports in one file would overwrite each other.
  local -a names=(junit sarif json summary)
  local -a files=("${INPUT_JUNIT:-}" "${INPUT_SARIF:-}" "${INPUT_JSON:-}" "${INPUT_SUMMARY:-}")
  local i j
  for ((i = 0; i < ${#files[@]}; i++)); do
    for ((j = i + 1; j < ${#files[@]}; j++)); do
      if [[ -n ${files[i]} && ${files[i]} == "${files[j]}" ]]; then
        input_error "inputs ${names[i]} and ${names[j]} both write ${files[i]}: give each report its own file"
      fi
    done
  done

  # The JSON report gives the counts; without a json input it goes to the runner's temporary
  # folder (written as D:/... on Windows, a form every shell and the binary accept).
  local json=${INPUT_JSON:-}
  if [[ -z $json ]]; then
    local temp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
    if command -v cygpath >/dev/null 2>&1; then
      temp=$(cygpath -m "$temp")
    fi
    json="${temp%/}/oidc-thumb-check-report-$$-$RANDOM.json"
  fi
  argv+=(--json "$json")

  # Options of `args`, word by word; the options above have inputs of their own.
  local -a extra=()
  read -r -d '' -a extra <<<"${INPUT_ARGS:-}" || true
  local word flag input
  for word in ${extra[@]+"${extra[@]}"}; do
    flag=${word%%=*}
    input=
    case "$flag" in
      --config) input=config ;;
      --expiry-days) input=expiry-days ;;
      --junit) input=junit ;;
      --sarif) input=sarif ;;
      --json) input=json ;;
      --summary) input=summary ;;
      --annotations) input=annotations ;;
      --ca-file) input=ca-file ;;
      --allow-private-addresses) input=allow-private-addresses ;;
      --offline) input=offline ;;
      --chains) input=chains ;;
      --) input_error "input args holds '--': give the files and folders to check in paths" ;;
    esac
    [[ -z $input ]] ||
      input_error "input args holds $flag, which the input $input sets: use $input instead"
    argv+=("$word")
  done

  # The paths, one per line, after `--` so that none is read as an option.
  argv+=(--)
  local -a paths=()
  while IFS= read -r line; do
    paths+=("$line")
  done < <(lines_of "${INPUT_PATHS:-.}")
  [[ ${#paths[@]} -gt 0 ]] || paths=(.)
  argv+=("${paths[@]}")

  printf 'oidc-thumb-check'
  printf ' %q' "${argv[@]}"
  printf '\n'

  local code=0
  "$bin" "${argv[@]}" || code=$?

  local summary=${INPUT_SUMMARY:-${GITHUB_STEP_SUMMARY:-}}
  set_output junit "${INPUT_JUNIT:-}"
  set_output sarif "${INPUT_SARIF:-}"
  set_output json "$( [[ -f $json ]] && printf '%s' "$json")"
  set_output summary "$summary"
  set_output failed "$(summary_count failed "$json")"
  set_output passed "$(summary_count passed "$json")"
  set_output exit-code "$code"
  exit "$code"
}

main "$@"
