#!/bin/bash
# MUD signatures both ways with OpenSSL's cms tool: what `iotonb mud sign` makes (P-256, P-384,
# RSA; id-data and id-ct-mudtype; signer under an intermediate) verifies with
# `openssl cms -verify -binary -purpose any`, and what `openssl cms -sign -binary` makes
# (detached with and without signed attributes, and with the content embedded) verifies with
# `iotonb mud verify`; a changed byte fails on both sides. Ed25519 is left out: OpenSSL 3.0's
# cms tool neither makes nor checks RFC 8419 signatures.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
unsafe=(--no-password --insecure)
FILE="$IOTONB_VECTORS_DIR/mud/Luminaire_150.json"
NOW=2026-06-01T00:00:00Z
AT=$(date -d "$NOW" +%s)

"$IOTONB_BIN" ca create --subject 'O=Lamps Inc,CN=Lamps MUD Root' --now 2026-01-01T00:00:00Z \
  --not-after 2030-01-01T00:00:00Z --out-cert root.crt --out-key root.key "${unsafe[@]}" >/dev/null
"$IOTONB_BIN" ca create --profile intermediate --subject 'O=Lamps Inc,CN=Lamps MUD CA' --now 2026-01-01T00:00:00Z \
  --not-after 2029-06-01T00:00:00Z --parent-cert root.crt --parent-key root.key --out-cert ca.crt --out-key ca.key \
  "${unsafe[@]}" >/dev/null
cp "$FILE" lamp.json
sed 's/443/444/' lamp.json >changed.json

for type in p256 p384 rsa2048; do
  "$IOTONB_BIN" -q key generate --key-type "$type" -o "$type.key" "${unsafe[@]}"
  "$IOTONB_BIN" ca create --profile masa --subject "O=Lamps Inc,CN=MUD signer $type" --key "$type.key" \
    --now 2026-01-01T00:00:00Z --not-after 2029-01-01T00:00:00Z --parent-cert ca.crt --parent-key ca.key \
    --out-cert "$type.crt" >/dev/null
  for ct in data mudtype; do
    "$IOTONB_BIN" -q mud sign lamp.json --key "$type.key" --cert "$type.crt" --chain ca.crt --content-type "$ct" \
      --now "$NOW" -o "$type-$ct.p7s"
    check "$type $ct: openssl cms -verify accepts iotonb's signature" \
      openssl cms -verify -binary -inform DER -in "$type-$ct.p7s" -content lamp.json -CAfile root.crt \
      -purpose any -attime "$AT" -out /dev/null
    check "$type $ct: openssl refuses it over a changed file" bash -c \
      "! openssl cms -verify -binary -inform DER -in $type-$ct.p7s -content changed.json -CAfile root.crt \
         -purpose any -attime $AT -out /dev/null 2>/dev/null"
  done
  check "$type: the mudtype signature's eContentType is id-ct-mudtype" bash -c \
    "openssl cms -cmsout -print -inform DER -in $type-mudtype.p7s | grep -q 'eContentType: .*(1\.2\.840\.113549\.1\.9\.16\.1\.41)'"

  # The other way: openssl signs, iotonb verifies.
  openssl cms -sign -binary -outform DER -in lamp.json -signer "$type.crt" -inkey "$type.key" -certfile ca.crt \
    -out "ossl-$type.p7s"
  openssl cms -sign -binary -noattr -outform DER -in lamp.json -signer "$type.crt" -inkey "$type.key" \
    -certfile ca.crt -out "ossl-$type-noattr.p7s"
  openssl cms -sign -binary -nodetach -outform DER -in lamp.json -signer "$type.crt" -inkey "$type.key" \
    -certfile ca.crt -out "ossl-$type-attached.p7s"
  for variant in "" -noattr -attached; do
    check "$type$variant: iotonb mud verify accepts openssl's signature" \
      "$IOTONB_BIN" mud verify lamp.json --signature "ossl-$type$variant.p7s" --trust root.crt --at "$NOW"
    check "$type$variant: iotonb refuses it over a changed file" bash -c \
      "! '$IOTONB_BIN' mud verify changed.json --signature ossl-$type$variant.p7s --trust root.crt --at $NOW 2>/dev/null"
  done
  check "$type -noattr: json says signed_attributes false" bash -c \
    "'$IOTONB_BIN' mud verify lamp.json --signature ossl-$type-noattr.p7s --trust root.crt --at $NOW --format json |
     $PYTHON3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"signed_attributes\"] is False and d[\"signing_time\"] is None'"
done

# The public vector, checked by both.
check "openssl verifies Luminaire_150 at its signingTime" openssl cms -verify -binary -inform DER \
  -in "$IOTONB_VECTORS_DIR/mud/Luminaire_150.p7s" -content lamp.json -CAfile "$IOTONB_VECTORS_DIR/mud/luminaire-cacert.pem" \
  -attime 1537222806 -out /dev/null
check "iotonb verifies Luminaire_150 at its signingTime" "$IOTONB_BIN" mud verify lamp.json \
  --signature "$IOTONB_VECTORS_DIR/mud/Luminaire_150.p7s" --trust "$IOTONB_VECTORS_DIR/mud/luminaire-cacert.pem" \
  --at @1537222806

finish
