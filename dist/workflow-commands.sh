# Sourced by dist/install.sh and dist/run-check.sh: writing to the runner, escaped by its rules.

# A workflow command's message, with `%`, CR and LF escaped as the runner reads them back.
escape_command() {
  local text=$1 percent='%' cr=$'\r' lf=$'\n'
  text=${text//$percent/%25}
  text=${text//$cr/%0D}
  text=${text//$lf/%0A}
  printf '%s' "$text"
}

# A step output, in the delimited form, so that no value can end it early or add another.
set_output() {
  local name=$1 value=$2
  if [[ -n ${GITHUB_OUTPUT:-} ]]; then
    local delimiter="oidc_thumb_check_${RANDOM}${RANDOM}${RANDOM}"
    while [[ $value == *"$delimiter"* ]]; do
      delimiter="$delimiter$RANDOM"
    done
    printf '%s<<%s\n%s\n%s\n' "$name" "$delimiter" "$value" "$delimiter" >>"$GITHUB_OUTPUT"
  fi
}
