#!/usr/bin/env bash
# The generated shell completions parse, and complete what the command table defines. bash
# is always there; zsh and fish are checked only where installed, so the suite runs on a
# machine without them. Run by ctest (docs_completions) or by hand from anywhere.
set -uo pipefail

src=${IOTONB_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
dir=$src/completions
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

bash -n "$dir/iotonb.bash" || fail "bash -n completions/iotonb.bash"
if command -v zsh >/dev/null; then
  zsh -n "$dir/_iotonb" || fail "zsh -n completions/_iotonb"
else
  echo "SKIP: zsh not installed"
fi
if command -v fish >/dev/null; then
  fish --no-execute "$dir/iotonb.fish" || fail "fish --no-execute completions/iotonb.fish"
else
  echo "SKIP: fish not installed"
fi

# The candidates bash offers for the command line WORD... (the last word is being completed),
# one per line. A fresh bash, as an interactive shell would source the file.
bash_candidates() {
  bash -c 'source "$1" || exit 1; shift
           COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
           _iotonb; printf "%s\n" "${COMPREPLY[@]}"' _ "$dir/iotonb.bash" "$@"
}
# expect_bash CANDIDATE WORD...: completing WORD... offers CANDIDATE.
# (The candidates are collected first: grep -q quitting early would break the pipe.)
expect_bash() {
  local want=$1 got
  shift
  got=$(bash_candidates "$@")
  grep -qxF -- "$want" <<<"$got" || fail "bash: completing '$*' does not offer '$want' (got: $(tr '\n' ' ' <<<"$got"))"
}
# refuse_bash CANDIDATE WORD...: completing WORD... does not offer CANDIDATE.
refuse_bash() {
  local unwanted=$1 got
  shift
  got=$(bash_candidates "$@")
  if grep -qxF -- "$unwanted" <<<"$got"; then fail "bash: completing '$*' offers '$unwanted'"; fi
}

expect_bash idevid iotonb id
refuse_bash ca iotonb id
expect_bash --key-type iotonb idevid mint --key-t
expect_bash registrar iotonb ca create --profile ""
refuse_bash --subject iotonb ca create --profile ""
expect_bash root iotonb ca create --profile = r         # --profile=r
expect_bash create iotonb --config x.yaml ca ""         # a global option's value is not a group
expect_bash der iotonb cert inspect --format ""
refuse_bash der iotonb cert verify --format ""
expect_bash verify iotonb help cert ""                  # help GROUP VERB
expect_bash --no-progress iotonb idevid mint --no-p

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/device.pem"
expect_bash "$tmp/device.pem" iotonb key public "$tmp/dev"     # a FILE argument
expect_bash "$tmp/device.pem" iotonb ca create --out-cert "$tmp/d"

if command -v fish >/dev/null; then
  # expect_fish CANDIDATE COMMANDLINE
  expect_fish() {
    local got
    got=$(fish -c "source '$dir/iotonb.fish'; complete -C '$2'" | cut -f1)
    grep -qxF -- "$1" <<<"$got" || fail "fish: completing '$2' does not offer '$1'"
  }
  expect_fish idevid "iotonb id"
  expect_fish registrar "iotonb ca create --profile "
  expect_fish --format "iotonb inspect --"
  expect_fish verify "iotonb help cert "
fi

if ((failures > 0)); then
  echo "$failures completion check(s) failed" >&2
  exit 1
fi
echo "completions OK"
