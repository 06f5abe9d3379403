#!/bin/bash
# iotonb mud sign | verify | url | fetch from the command line: exit codes, no stdout when a
# check fails, --force, the public Luminaire vector at its signing time and after its CA
# expired, both content types, the IDevID's mudSigner, and fetch's refusals that need no
# server (the HTTPS cases are in tests/service/mud_fetch_test.cc).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
unsafe=(--no-password --insecure)
VEC="$IOTONB_VECTORS_DIR/mud"
AT=2027-03-01T12:00:00Z
URL=https://lamps.example.com/lamp.json
field() { "$PYTHON3" -c "import json,sys; d=json.load(open('$1')); print($2)"; }

"$IOTONB_BIN" ca create --subject 'C=US,O=Lamps Inc,CN=Lamps MUD Root' --now 2026-01-01T00:00:00Z \
  --not-after 2030-01-01T00:00:00Z --out-cert root.crt --out-key root.key "${unsafe[@]}" >/dev/null
"$IOTONB_BIN" ca create --subject 'CN=Other Root' --now 2026-01-01T00:00:00Z \
  --not-after 2030-01-01T00:00:00Z --out-cert other.crt --out-key other.key "${unsafe[@]}" >/dev/null
"$IOTONB_BIN" -q key generate -o signer.key "${unsafe[@]}"
"$IOTONB_BIN" ca create --profile masa --subject 'C=US,O=Lamps Inc,CN=Lamps MUD Signer' --key signer.key \
  --now 2026-01-01T00:00:00Z --not-after 2029-01-01T00:00:00Z --parent-cert root.crt --parent-key root.key \
  --out-cert signer.crt >/dev/null

lamp_mud "$URL" >lamp.json

# --- sign -------------------------------------------------------------------------------------
expect_exit 0 "sign" -- mud sign lamp.json --key signer.key --cert signer.crt --now "$AT" -o lamp.p7s
check "the signature is DER (starts with a SEQUENCE)" bash -c "[[ \$(head -c1 lamp.p7s | od -An -tx1 | tr -d ' ') == 30 ]]"
check "openssl reads it as detached SignedData" bash -c \
  "openssl cms -cmsout -print -inform DER -in lamp.p7s | grep -q 'eContent: <ABSENT>'"
expect_exit 2 "sign refuses to overwrite" -- mud sign lamp.json --key signer.key --cert signer.crt -o lamp.p7s
expect_exit 0 "sign --force overwrites" -- mud sign lamp.json --key signer.key --cert signer.crt --now "$AT" -o lamp.p7s --force
expect_exit 0 "sign to stdout" -- mud sign lamp.json --key signer.key --cert signer.crt --content-type mudtype
cp "$OUT" lamp-mudtype.p7s
expect_exit 2 "sign with a key that is not the certificate's" -- mud sign lamp.json --key root.key --cert signer.crt -o x.p7s
check "no signature file after a refusal" test ! -e x.p7s
printf '{"ietf-mud:mud": {"mud-version": 1}}\n' >invalid.json
expect_exit 3 "sign refuses an invalid MUD file" -- mud sign invalid.json --key signer.key --cert signer.crt -o x.p7s
expect_stdout_empty
check "no signature file for an invalid MUD file" test ! -e x.p7s
expect_exit 2 "sign without --cert" -- mud sign lamp.json --key signer.key
expect_exit 2 "sign with an unknown content type" -- mud sign lamp.json --key signer.key --cert signer.crt --content-type xml

# --- verify -----------------------------------------------------------------------------------
expect_exit 0 "verify" -- mud verify lamp.json --signature lamp.p7s --trust root.crt --at "$AT"
expect_stdout_has "lamp.json: OK (signed by C=US,O=Lamps Inc,CN=Lamps MUD Signer, id-data, signingTime $AT"
expect_exit 0 "verify --format json" -- mud verify lamp.json --signature lamp.p7s --trust root.crt --at "$AT" --format json
check "json: valid, content type, chain" bash -c "$PYTHON3 -c 'import json,sys; d=json.load(open(\"$OUT\"))
assert d[\"valid\"] is True and d[\"content_type\"] == \"id-data\" and d[\"signed_attributes\"] is True
assert d[\"chain\"][-1] == \"C=US,O=Lamps Inc,CN=Lamps MUD Root\" and d[\"mud_signer\"] is None'"
expect_exit 0 "verify the id-ct-mudtype signature" -- mud verify lamp.json --signature lamp-mudtype.p7s --trust root.crt --at "$AT"
expect_stdout_has "id-ct-mudtype"

sed 's/443/444/' lamp.json >changed.json
expect_exit 1 "verify fails for a changed file" -- mud verify changed.json --signature lamp.p7s --trust root.crt --at "$AT"
expect_stdout_empty
expect_stderr_has "signature does not verify"
expect_exit 1 "verify fails for a changed file (json: still no output)" -- mud verify changed.json --signature lamp.p7s \
  --trust root.crt --at "$AT" --format json
expect_stdout_empty
expect_exit 1 "verify fails against another CA" -- mud verify lamp.json --signature lamp.p7s --trust other.crt --at "$AT"
expect_stdout_empty
expect_exit 1 "verify fails after the signer expired" -- mud verify lamp.json --signature lamp.p7s --trust root.crt \
  --at 2029-06-01T00:00:00Z
expect_stderr_has "expired"
printf 'not a signature' >junk.p7s
expect_exit 1 "verify fails for a signature that is not CMS" -- mud verify lamp.json --signature junk.p7s --trust root.crt
expect_stdout_empty
expect_exit 2 "verify needs --trust" -- mud verify lamp.json --signature lamp.p7s
expect_exit 2 "verify with a bad --at" -- mud verify lamp.json --signature lamp.p7s --trust root.crt --at yesterday
expect_exit 3 "verify with a missing signature file" -- mud verify lamp.json --signature missing.p7s --trust root.crt

# The public vector: valid at its signing time only, and only over the exact bytes.
expect_exit 0 "Luminaire_150 verifies at its signingTime" -- mud verify "$VEC/Luminaire_150.json" \
  --signature "$VEC/Luminaire_150.p7s" --trust "$VEC/luminaire-cacert.pem" --at @1537222806
expect_stdout_has "signed by O=Demo Luminaire Manufacturer,CN=luminaire.example.com"
expect_exit 1 "Luminaire_150 fails now (its CA expired)" -- mud verify "$VEC/Luminaire_150.json" \
  --signature "$VEC/Luminaire_150.p7s" --trust "$VEC/luminaire-cacert.pem"
expect_stdout_empty
head -c -1 "$VEC/Luminaire_150.json" >no-newline.json
expect_exit 1 "Luminaire_150 fails without its trailing newline" -- mud verify no-newline.json \
  --signature "$VEC/Luminaire_150.p7s" --trust "$VEC/luminaire-cacert.pem" --at @1537222806
expect_exit 1 "Luminaire_150 fails against another CA" -- mud verify "$VEC/Luminaire_150.json" \
  --signature "$VEC/Luminaire_150.p7s" --trust root.crt --at @1537222806

# --- the IDevID: mud url, mudSigner ----------------------------------------------------------
"$IOTONB_BIN" -q idevid mint --ca-cert root.crt --ca-key root.key --serial LAMP-1 --mud-url "$URL" \
  --mud-signer 'C=US,O=Lamps Inc,CN=Lamps MUD Signer' --now 2026-01-01T00:00:00Z --out-dir devices >/dev/null
"$IOTONB_BIN" -q idevid mint --ca-cert root.crt --ca-key root.key --serial LAMP-2 --mud-url "$URL" \
  --mud-signer 'C=US,O=Lamps Inc,CN=Someone Else' --now 2026-01-01T00:00:00Z --out-dir devices >/dev/null
"$IOTONB_BIN" -q idevid mint --ca-cert root.crt --ca-key root.key --serial LAMP-3 \
  --now 2026-01-01T00:00:00Z --out-dir devices >/dev/null
expect_exit 0 "verify with the IDevID's mudSigner" -- mud verify lamp.json --signature lamp.p7s --trust root.crt \
  --at "$AT" --mud-signer-from devices/LAMP-1/idevid.crt
expect_stdout_has "the IDevID's mudSigner"
expect_exit 1 "verify fails when the IDevID names another mudSigner" -- mud verify lamp.json --signature lamp.p7s \
  --trust root.crt --at "$AT" --mud-signer-from devices/LAMP-2/idevid.crt
expect_stdout_empty
expect_stderr_has "is not the mudSigner"
expect_exit 0 "verify with an IDevID without mudSigner" -- mud verify lamp.json --signature lamp.p7s --trust root.crt \
  --at "$AT" --mud-signer-from devices/LAMP-3/idevid.crt

expect_exit 0 "url" -- mud url --from-cert devices/LAMP-1/idevid.crt
check_eq "url prints the URL alone" "$(cat "$OUT")" "$URL"
expect_exit 0 "url --format json" -- mud url --from-cert devices/LAMP-1/idevid.crt --format json
check_eq "json mud_url" "$(field "$OUT" 'd["mud_url"]')" "$URL"
check_eq "json mud_signer" "$(field "$OUT" 'd["mud_signer"]')" "C=US,O=Lamps Inc,CN=Lamps MUD Signer"
expect_exit 1 "url fails for a certificate without a MUD URL" -- mud url --from-cert devices/LAMP-3/idevid.crt
expect_stdout_empty
expect_stderr_has "no MUD URL extension"
expect_exit 3 "url of a file that is no certificate" -- mud url --from-cert lamp.json

# --- fetch: what fails before any server answers ---------------------------------------------
expect_exit 2 "fetch refuses an http URL" -- mud fetch http://127.0.0.1/lamp.json --trust root.crt -o got.json
expect_exit 2 "fetch needs --trust" -- mud fetch https://127.0.0.1/lamp.json
expect_exit 2 "fetch --format json needs -o" -- mud fetch https://127.0.0.1/lamp.json --trust root.crt --format json
expect_exit 4 "fetch from a closed port is a network failure" -- mud fetch https://127.0.0.1:1/lamp.json --trust root.crt \
  --tls-trust root.crt --timeout 5 -o got.json
expect_stdout_empty
check "nothing written when the fetch failed" test ! -e got.json
touch exists.json
expect_exit 2 "fetch refuses to overwrite -o before fetching" -- mud fetch https://127.0.0.1:1/lamp.json --trust root.crt \
  -o exists.json

finish
