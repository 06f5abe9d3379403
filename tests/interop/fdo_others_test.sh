#!/bin/bash
# Ownership vouchers iotonb did not make: make_fdo_voucher.py (Debian's python3-cbor2 +
# python3-cryptography, nothing shared with iotonb) makes FDO 1.1 vouchers with the key types
# iotonb only verifies (RSA 2048 with RS256, RSA 3072 with RS384 and with PS384) and with
# P-384; `iotonb ownership verify` must accept them with the device's secret and the expected
# manufacturer and owner, as the independent checker does, and refuse broken ones by name.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$PYTHON3" -c 'import cbor2, cryptography' 2>/dev/null || { echo "FAIL: $PYTHON3 lacks cbor2 or cryptography" >&2; exit 1; }
MAKER=("$PYTHON3" "$INTEROP_DIR/make_fdo_voucher.py")
CHECKER=("$PYTHON3" "$INTEROP_DIR/check_fdo_voucher.py")

# expect_refused DESCRIPTION EXIT TEXT IOTONB-ARGS...: iotonb exits EXIT and says TEXT.
expect_refused() {
  local what="$1" want_rc="$2" want="$3" out rc=0
  shift 3
  out="$("$IOTONB_BIN" "$@" 2>&1)" || rc=$?
  CHECKS=$((CHECKS + 1))
  if [[ $rc -eq $want_rc && "$out" == *"$want"* ]]; then
    pass "$what"
  else
    fail "$what: exit $rc, said '$out'; want exit $want_rc naming '$want'"
  fi
}

for type in rsa2048 rsa3072-pkcs rsa3072-pss p384; do
  "${MAKER[@]}" "$type" --key-type "$type" --entries 2
  check "$type: the independent checker accepts the made voucher" \
    "${CHECKER[@]}" "$type/voucher.pem" --hmac-secret-file "$type/secret.bin" --manufacturer "$type/manufacturer.pem" \
    --owner "$type/owner-1.pem"
  check "$type: iotonb verifies it with the secret, the manufacturer and the owner" \
    "$IOTONB_BIN" ownership verify "$type/voucher.pem" --hmac-secret-file "$type/secret.bin" \
    --manufacturer "$type/manufacturer.pem" --owner "$type/owner-1.pem"
  expect_refused "$type: the first owner is not the current one" 1 "is not the expected key" \
    ownership verify "$type/voucher.pem" --owner "$type/owner-0.pem"
done

"$IOTONB_BIN" ownership inspect rsa3072-pss/voucher.pem --format json >pss.json
check_eq "inspect names the RSAPSS pkType" "$("$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["manufacturer_key"]["type"])' <pss.json)" RSAPSS
"$IOTONB_BIN" ownership verify rsa3072-pss/voucher.pem --format json >pss-verify.json
check_eq "entry 1 of the RSA 3072 PSS voucher is a PS384 signature that verifies" \
  "$("$PYTHON3" -c 'import json,sys; c={x["name"]:x for x in json.load(sys.stdin)["checks"]}; print(c["entry[1].signature"]["result"])' <pss-verify.json)" pass

# An RSAPSS voucher whose entries are PKCS#1 v1.5 signatures: each signature is sound, but FDO
# ties PSS to RSAPSS, so both tools refuse it.
"${MAKER[@]}" pss-as-pkcs --key-type rsa3072-pss --entries 1 --sign-as RS384
expect_refused "RS384 under pkType RSAPSS is refused by name" 1 "entry[0].signature: RS384 does not go with the signer's pkType RSAPSS" \
  ownership verify pss-as-pkcs/voucher.pem
CHECKS=$((CHECKS + 1))
if "${CHECKER[@]}" pss-as-pkcs/voucher.pem >/dev/null; then fail "the checker accepts RS384 under RSAPSS"; else pass "the checker refuses it too"; fi

# The last signature octet of an RSA 3072 voucher flipped.
"$PYTHON3" - <<'EOF'
import base64, re
text = open("rsa3072-pkcs/voucher.pem").read()
body = bytearray(base64.b64decode("".join(re.search(r"-----\n(.*)\n-----END", text, re.S).group(1).split())))
body[-1] ^= 1  # the voucher ends with the last entry's signature
open("rsa3072-flipped.cbor", "wb").write(bytes(body))
EOF
expect_refused "a flipped RS384 signature octet is named" 1 "entry[1].signature: COSE: signature does not verify" \
  ownership verify rsa3072-flipped.cbor

# iotonb verifies RSA vouchers but does not extend them (a usage error, nothing written).
expect_refused "an RSA voucher is not extended" 2 "RSA keys are for verifying only" \
  ownership transfer rsa3072-pkcs/voucher.pem --owner-key rsa3072-pkcs/owner-1.pem --to rsa3072-pkcs/owner-0.pem -o out.ov
check_eq "nothing written on refusal" "$([[ -e out.ov ]] && echo yes || echo no)" no

finish
