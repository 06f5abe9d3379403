#!/bin/bash
# The registrar profile (RFC 8995 2.5.3): EKU id-kp-cmcRA + serverAuth + clientAuth, shown by
# `openssl x509 -text` and decoded by asn1crypto; plus the other service profiles.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

make_ca_pair
svc=(--parent-cert ca.crt --parent-key ca.key --parent-password-file pw --password-file pw)

check "ca create --profile registrar" "$IOTONB_BIN" ca create --profile registrar --subject 'O=Acme,CN=registrar.example.com' \
  --san DNS:registrar.example.com --out-cert registrar.crt --out-key registrar.key "${svc[@]}"
eku="$(openssl x509 -in registrar.crt -noout -text | grep -A1 'X509v3 Extended Key Usage' | tail -n1 | sed 's/^ *//')"
check_eq "openssl x509 -text EKU" "$eku" "CMC Registration Authority, TLS Web Server Authentication, TLS Web Client Authentication"
check "asn1crypto EKU is [cmcRA, serverAuth, clientAuth]" \
  "$PYTHON3" "$INTEROP_DIR/check_eku.py" registrar.crt 1.3.6.1.5.5.7.3.28 1.3.6.1.5.5.7.3.1 1.3.6.1.5.5.7.3.2
check "openssl verify -purpose sslserver" openssl verify -purpose sslserver -CAfile root.crt -untrusted ca.crt registrar.crt
check "openssl verify -purpose sslclient" openssl verify -purpose sslclient -CAfile root.crt -untrusted ca.crt registrar.crt
check "SAN DNS:registrar.example.com" \
  bash -c "openssl x509 -in registrar.crt -noout -ext subjectAltName | grep -q 'DNS:registrar.example.com'"

check "ca create --profile server" "$IOTONB_BIN" ca create --profile server --subject CN=srv --out-cert server.crt \
  --out-key server.key "${svc[@]}"
check "server: EKU serverAuth only" "$PYTHON3" "$INTEROP_DIR/check_eku.py" server.crt 1.3.6.1.5.5.7.3.1
check "ca create --profile masa" "$IOTONB_BIN" ca create --profile masa --subject CN=masa --out-cert masa.crt \
  --out-key masa.key "${svc[@]}"
check "masa: no EKU" "$PYTHON3" "$INTEROP_DIR/check_eku.py" masa.crt
check "masa: verifies" openssl verify -CAfile root.crt -untrusted ca.crt masa.crt

finish
