#!/bin/bash
# Files and streams: '-' for stdin/stdout, never overwriting without --force (and replacing
# with it), JSON output that parses, results on stdout and diagnostics on stderr.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

make_ca_pair

# --- stdin ---------------------------------------------------------------------------------------
expect_exit 0 "cert inspect - < cert.pem" -- cert inspect - <root.crt
expect_stdout_has "subject: C=US,O=Acme,CN=Acme CLI Root"
expect_exit 0 "cert inspect with no file reads stdin when it is not a terminal" -- cert inspect <root.crt
expect_stdout_has "subject: C=US,O=Acme,CN=Acme CLI Root"
openssl x509 -in ca.crt -outform DER -out ca.der
expect_exit 0 "cert inspect - < DER" -- cert inspect --format json - <ca.der
check "JSON from stdin DER names the intermediate" "$PYTHON3" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["subject"] == "C=US,O=Acme,CN=Acme CLI IDevID CA", d["subject"]
assert d["ca"] is True and d["self_signed"] is False, d' "$OUT"
expect_exit 0 "inspect - < key" -- inspect --format json - <ca.key
check "inspect of an encrypted key is JSON saying encrypted" "$PYTHON3" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d == {"type": "private-key", "encrypted": True}, d' "$OUT"
expect_exit 3 "cert inspect - < garbage" -- cert inspect - <<<"garbage"
expect_stderr_has "stdin"

# --- stdout --------------------------------------------------------------------------------------
expect_exit 0 "cert inspect --format der -o -" -- cert inspect --format der -o - root.crt
check "DER on stdout is the certificate" cmp "$OUT" <(openssl x509 -in root.crt -outform DER)
expect_exit 0 "cert inspect --format pem (stdout by default)" -- cert inspect --format pem ca.der
check "PEM on stdout is the certificate" cmp "$OUT" ca.crt
expect_exit 0 "csr create -o - writes the request to stdout" -- csr create --subject CN=dev --out-key dev.key --no-password --insecure -o -
check "the request on stdout verifies" bash -c "openssl req -in '$OUT' -verify -noout 2>&1 | grep -q 'verify OK'"
expect_exit 2 "a private key is never written to stdout" -- key generate -o - --no-password --insecure
expect_stdout_empty

# --- never overwrite without --force ----------------------------------------------------------------
cp root.crt existing.crt
before="$(sha256sum existing.crt)"
expect_exit 2 "cert inspect -o existing file" -- cert inspect --format pem -o existing.crt ca.crt
expect_stderr_has "existing.crt"
expect_stderr_has "--force"
check_eq "existing.crt unchanged" "$(sha256sum existing.crt)" "$before"
expect_exit 0 "cert inspect -o existing file --force" -- cert inspect --format pem -o existing.crt --force ca.crt
check "existing.crt replaced" cmp existing.crt ca.crt

expect_exit 2 "ca create over an existing certificate" -- ca create --subject CN=x --out-cert existing.crt --out-key new.key \
  --password-file pw
check "no key written when the certificate exists" test ! -e new.key
check "existing.crt still the intermediate" cmp existing.crt ca.crt
expect_exit 2 "ca create over an existing key" -- ca create --subject CN=x --out-cert new.crt --out-key root.key --password-file pw
check "no certificate written when the key exists" test ! -e new.crt
expect_exit 0 "ca create --force replaces both" -- ca create --subject CN=x --out-cert existing.crt --out-key new.key \
  --password-file pw --force
check "existing.crt is now CN=x" bash -c "openssl x509 -in existing.crt -noout -subject | grep -q 'CN *= *x'"
check_eq "replaced key is 0600" "$(stat -c %a new.key)" 600

echo 'keep me' >taken.key
expect_exit 2 "key generate over an existing file" -- key generate -o taken.key --password-file pw
check_eq "taken.key unchanged" "$(cat taken.key)" "keep me"
expect_exit 2 "csr create over an existing file" -- csr create --subject CN=d --out-key d2.key --no-password --insecure -o taken.key
check_eq "taken.key still unchanged" "$(cat taken.key)" "keep me"
check "and no key left behind for the refused request" test ! -e d2.key
check "no temporary files left in the folder" bash -c '! ls -A | grep -E "\.tmp|tmp-"'

# --- JSON output parses ---------------------------------------------------------------------------
expect_exit 0 "ca create --format json" -- ca create --subject CN=j --out-cert j.crt --out-key j.key --password-file pw --format json
check "ca create JSON" is_json "$OUT"
check "ca create JSON fields" "$PYTHON3" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["profile"] == "root" and d["cert"] == "j.crt" and d["key"] == "j.key" and d["key_encrypted"] is True, d
assert len(d["fingerprint_sha256"]) == 64, d' "$OUT"
expect_exit 0 "cert inspect --format json (two files)" -- cert inspect --format json root.crt ca.crt
check "one JSON object per certificate" is_json --lines "$OUT"
check_eq "two lines" "$(wc -l <"$OUT")" 2
expect_exit 0 "cert verify --format json" -- cert verify ca.crt --trust root.crt --at 2027-01-01T00:00:00Z --format json
check "cert verify JSON" "$PYTHON3" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is True and d["at"] == "2027-01-01T00:00:00Z", d
assert d["chain"] == ["C=US,O=Acme,CN=Acme CLI IDevID CA", "C=US,O=Acme,CN=Acme CLI Root"], d' "$OUT"
"$IOTONB_BIN" csr create --subject CN=dev2 --out-key dev2.key --no-password --insecure -o dev2.csr 2>/dev/null
expect_exit 0 "inspect --format json of a CSR" -- inspect --format json dev2.csr
check "CSR JSON" "$PYTHON3" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["type"] == "certificate-request" and d["signature_valid"] is True, d' "$OUT"
expect_exit 0 "idevid mint prints JSON lines" -- idevid mint --ca-cert ca.crt --ca-key ca.key --ca-password-file pw \
  --count 2 --serial-format 'JS-{}' --out-dir js --no-progress
check "mint output is JSON Lines" is_json --lines "$OUT"
check_eq "one line per device" "$(wc -l <"$OUT")" 2
check "mint's summary goes to stderr, not stdout" bash -c "! grep -q 'minted' '$OUT' && grep -q 'minted 2 of 2' '$ERR'"
expect_exit 0 "-q keeps stderr quiet" -- -q idevid mint --ca-cert ca.crt --ca-key ca.key --ca-password-file pw \
  --serial Q-1 --out-dir q --no-progress
check "stderr empty with -q" test ! -s "$ERR"

finish
