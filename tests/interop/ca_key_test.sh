#!/bin/bash
# CA keys written by `iotonb ca create` and `iotonb key generate`: encrypted PKCS#8 with PBES2
# (PBKDF2-HMAC-SHA256, AES-256-CBC), mode 0600, readable by openssl with the password and
# only with it; and the CA certificates themselves as openssl sees them.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

make_ca_pair

for key in root.key ca.key; do
  check_eq "$key mode" "$(stat -c %a "$key")" 600
  check_eq "$key PEM label" "$(head -n1 "$key")" "-----BEGIN ENCRYPTED PRIVATE KEY-----"
  check "$key: asn1crypto: PKCS#8 PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC" "$PYTHON3" "$INTEROP_DIR/check_pkcs8.py" "$key"
  # openssl asn1parse names the algorithms in order
  algs="$(openssl asn1parse -in "$key" | sed -n -E 's/.*OBJECT +:(.*)$/\1/p' | tr '\n' ' ')"
  check_eq "$key: openssl asn1parse algorithm OIDs" "$algs" "PBES2 PBKDF2 hmacWithSHA256 aes-256-cbc "
  check "$key: openssl decrypts it with the password" openssl pkey -in "$key" -passin file:pw -noout
  check "$key: openssl refuses a wrong password" \
    bash -c "! openssl pkey -in '$key' -passin pass:wrong-password -noout 2>/dev/null"
done
check "root.key is the key of root.crt" \
  bash -c '[[ "$(openssl pkey -in root.key -passin file:pw -pubout)" == "$(openssl x509 -in root.crt -noout -pubkey)" ]]'
check_eq "root.crt is 0644" "$(stat -c %a root.crt)" 644

# The CA certificates as openssl prints them
check "root: openssl verify (self-signed)" openssl verify -CAfile root.crt root.crt
check "intermediate: openssl verify" openssl verify -CAfile root.crt ca.crt
check "root: basicConstraints critical CA:TRUE" \
  bash -c "openssl x509 -in root.crt -noout -text | grep -A1 'Basic Constraints: critical' | grep -q 'CA:TRUE'"
check "intermediate: keyUsage critical Digital Signature, Certificate Sign, CRL Sign" \
  bash -c "openssl x509 -in ca.crt -noout -text | grep -A1 'Key Usage: critical' | grep -qx ' *Digital Signature, Certificate Sign, CRL Sign'"
check "intermediate: --path-len 0 is pathlen:0" bash -c "
  '$IOTONB_BIN' ca create --profile intermediate --subject CN=pl0 --path-len 0 --parent-cert root.crt --parent-key root.key \
    --parent-password-file pw --out-cert pl0.crt --out-key pl0.key --password-file pw >/dev/null &&
  openssl x509 -in pl0.crt -noout -text | grep -q 'CA:TRUE, pathlen:0'"

# `iotonb key generate` writes the same container
check "key generate --password-file" "$IOTONB_BIN" key generate --key-type p384 -o gen.key --password-file pw
check_eq "generated key mode" "$(stat -c %a gen.key)" 600
check "generated key: asn1crypto PBES2/AES-256-CBC" "$PYTHON3" "$INTEROP_DIR/check_pkcs8.py" gen.key
check "generated key: openssl sees a P-384 key" \
  bash -c "openssl pkey -in gen.key -passin file:pw -noout -text | grep -q 'NIST CURVE: P-384'"

# An unencrypted key needs --no-password --insecure and is still 0600
check "key generate --no-password --insecure" "$IOTONB_BIN" key generate -o plain.key --no-password --insecure
check_eq "plain key mode" "$(stat -c %a plain.key)" 600
check_eq "plain key label" "$(head -n1 plain.key)" "-----BEGIN PRIVATE KEY-----"

finish
