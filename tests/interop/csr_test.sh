#!/bin/bash
# PKCS#10 in both directions: `openssl req -verify` accepts what `iotonb csr create` writes,
# and `iotonb idevid mint --csr` certifies the key in an openssl-made CSR (proof of possession).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

make_ca_pair

for kt in p256 p384 ed25519 rsa2048; do
  check "csr create --key-type $kt" \
    "$IOTONB_BIN" csr create --subject "O=Acme,serialNumber=SN-$kt" --san DNS:dev.example --key-type "$kt" \
      --out-key "dev-$kt.key" --no-password --insecure -o "dev-$kt.csr"
  check "$kt: openssl req -verify" bash -c "openssl req -in 'dev-$kt.csr' -verify -noout 2>&1 | grep -q 'verify OK'"
  check_eq "$kt: subject as openssl reads it" "$(openssl req -in "dev-$kt.csr" -noout -subject -nameopt RFC2253)" \
    "subject=serialNumber=SN-$kt,O=Acme"
  check "$kt: SAN in the request" bash -c "openssl req -in 'dev-$kt.csr' -noout -text | grep -q 'DNS:dev.example'"
  check "$kt: the request carries the new key" \
    bash -c "[[ \"\$(openssl req -in 'dev-$kt.csr' -noout -pubkey)\" == \"\$(openssl pkey -in 'dev-$kt.key' -pubout)\" ]]"
done

check "csr create --format der" \
  "$IOTONB_BIN" csr create --subject CN=der --out-key der.key --no-password --insecure --format der -o der.csr
check "openssl req -verify on DER" bash -c "openssl req -in der.csr -inform DER -verify -noout 2>&1 | grep -q 'verify OK'"

# A CSR made by openssl, certified by iotonb
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ossl.key -subj /CN=ossl-device \
  -out ossl.csr 2>/dev/null
check "idevid mint --csr with an openssl CSR" \
  "$IOTONB_BIN" idevid mint --ca-cert ca.crt --ca-key ca.key --ca-password-file pw --serial OSSL-1 --csr ossl.csr \
    --hw-type 1.3.6.1.4.1.32473.1 --out-dir out --no-progress
check "the IDevID certifies the CSR's key" \
  bash -c '[[ "$(openssl x509 -in out/OSSL-1/idevid.crt -noout -pubkey)" == "$(openssl req -in ossl.csr -noout -pubkey)" ]]'
check "no idevid.key when the device kept its key" test ! -e out/OSSL-1/idevid.key
check "the IDevID verifies" openssl verify -CAfile root.crt -untrusted ca.crt out/OSSL-1/idevid.crt
check "asn1crypto: IDevID fields" \
  "$PYTHON3" "$INTEROP_DIR/check_idevid.py" out/OSSL-1/idevid.crt --serial OSSL-1 --hw-type 1.3.6.1.4.1.32473.1 --issuer ca.crt

finish
