# shellcheck shell=bash
# Shared by the interop scripts, on top of tests/checks.sh: the independent tools they need
# (openssl, asn1crypto) and the CA pair they start from. Sourced, not run.
INTEROP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export INTEROP_DIR
SUITE=interop
# shellcheck source=../checks.sh
source "$INTEROP_DIR/../checks.sh"
command -v openssl >/dev/null || { echo "FAIL: openssl is not installed" >&2; exit 1; }
"$PYTHON3" -c 'import asn1crypto' 2>/dev/null || { echo "FAIL: $PYTHON3 has no asn1crypto (python3-asn1crypto)" >&2; exit 1; }

# A root CA and an intermediate (IDevID issuing) CA with encrypted keys, in $WORK.
make_ca_pair() {
  printf 'interop test password\n' >pw
  "$IOTONB_BIN" ca create --subject 'C=US,O=Acme,CN=Acme Interop Root' --out-cert root.crt --out-key root.key \
    --password-file pw --format json >root.json
  "$IOTONB_BIN" ca create --profile intermediate --subject 'C=US,O=Acme,CN=Acme Interop IDevID CA' \
    --parent-cert root.crt --parent-key root.key --parent-password-file pw \
    --out-cert ca.crt --out-key ca.key --password-file pw --format json >ca.json
}

# The DER offset of the extnValue OCTET STRING of extension OID in a PEM certificate, for
# `openssl asn1parse -strparse`.
ext_value_offset() {
  local cert="$1" oid="$2"
  openssl asn1parse -in "$cert" | awk -v oid=":$oid" '
    found && /OCTET STRING/ { split($1, a, ":"); print a[1]; exit }
    $NF == oid { found = 1 }'
}

# "TYPE:VALUE" of a string-valued extension as openssl asn1parse decodes its extnValue
# ("IA5STRING:masa.example.com"), or "" when the certificate does not carry it.
ext_string() {
  local cert="$1" oid="$2" off
  off="$(ext_value_offset "$cert" "$oid")"
  [[ -n "$off" ]] || return 0
  openssl asn1parse -in "$cert" -strparse "$off" | sed -n -E '1s/^ *0:d=0 +hl=[0-9]+ +l= *[0-9]+ +prim: +([A-Z0-9]+) +:(.*)$/\1:\2/p'
}
