#!/bin/bash
# Option precedence (CONVENTIONS.md): flag > environment IOTONB_<OPTION> > config file
# (--config, YAML) > built-in default, shown with `ca create --key-type` and checked in the
# certificate with `cert inspect --format json` (public_key.algorithm).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

printf 'cli test password\n' >pw
cat >config.yaml <<'YAML'
ca:
  create:
    key-type: p384
YAML

# algorithm_of NAME ENV-ASSIGNMENTS... -- GLOBAL-ARGS... [-- VERB-ARGS...]: runs
# `iotonb GLOBAL-ARGS ca create VERB-ARGS` under the given environment, writing NAME.crt, and
# prints the certificate's public_key.algorithm (or why there is none).
algorithm_of() {
  local name="$1" env=() global=() verb=()
  shift
  while [[ "$1" != "--" ]]; do env+=("$1"); shift; done
  shift
  while (($#)) && [[ "$1" != "--" ]]; do global+=("$1"); shift; done
  (($#)) && shift
  verb=("$@")
  if ! env "${env[@]}" "$IOTONB_BIN" "${global[@]}" ca create "${verb[@]}" --subject "CN=$name" --out-cert "$name.crt" \
      --out-key "$name.key" --password-file pw >/dev/null 2>"$name.err"; then
    echo "ca create failed: $(cat "$name.err")"
    return 0
  fi
  "$IOTONB_BIN" cert inspect --format json "$name.crt" |
    "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["public_key"]["algorithm"])'
}

check_eq "default (nothing set)" "$(algorithm_of default --)" "EC P-256"
check_eq "config file beats the default" "$(algorithm_of config -- --config config.yaml)" "EC P-384"
check_eq "environment beats the config file" \
  "$(algorithm_of env-config IOTONB_KEY_TYPE=ed25519 -- --config config.yaml)" "Ed25519"
check_eq "environment beats the default" "$(algorithm_of env IOTONB_KEY_TYPE=ed25519 --)" "Ed25519"
check_eq "flag beats environment and config file" \
  "$(algorithm_of flag IOTONB_KEY_TYPE=ed25519 -- --config config.yaml -- --key-type rsa2048)" "RSA 2048"
check_eq "flag beats the config file" "$(algorithm_of flag-config -- --config config.yaml -- --key-type ed25519)" "Ed25519"
check_eq "config file named by IOTONB_CONFIG (the --config help names it)" \
  "$(algorithm_of config-env IOTONB_CONFIG=config.yaml --)" "EC P-384"

# A bad value is a usage error wherever it comes from
printf 'ca:\n  create:\n    key-type: p999\n' >bad-value.yaml
expect_exit 2 "config file with an invalid key type" -- --config bad-value.yaml ca create --subject CN=b --out-cert b.crt \
  --out-key b.key --password-file pw
check "nothing written" test ! -e b.crt -a ! -e b.key
IOTONB_KEY_TYPE=p999 expect_exit 2 "IOTONB_KEY_TYPE with an invalid key type" -- ca create --subject CN=b --out-cert b.crt \
  --out-key b.key --password-file pw
check "nothing written" test ! -e b.crt -a ! -e b.key
printf 'ca: [unclosed\n' >broken.yaml
expect_exit 2 "config file that is not YAML" -- --config broken.yaml ca create --subject CN=b --out-cert b.crt \
  --out-key b.key --password-file pw
expect_stderr_has "config"
expect_exit 2 "config file that does not exist" -- --config missing.yaml ca create --subject CN=b --out-cert b.crt \
  --out-key b.key --password-file pw
expect_stderr_has "missing.yaml"

# --force is never taken from the environment (it must be typed on purpose)
cp pw existing.crt
IOTONB_FORCE=1 expect_exit 2 "IOTONB_FORCE does not force" -- ca create --subject CN=f --out-cert existing.crt --out-key f.key \
  --password-file pw
check_eq "existing.crt unchanged" "$(cat existing.crt)" "$(cat pw)"

finish
