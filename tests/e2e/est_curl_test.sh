#!/usr/bin/env bash
# Interop: curl as the EST client (RFC 7030) against `iotonb registrar serve`, openssl as the
# judge: cacerts is a certs-only PKCS#7 holding the domain CA; csrattrs parses as DER;
# simpleenroll with an openssl-made CSR and the IDevID as TLS client certificate (after the
# device's voucher) returns an LDevID for that CSR's key; simplereenroll with the LDevID as
# client certificate returns its successor; every certificate issued verifies with openssl.
SUITE=e2e
source "$(dirname "${BASH_SOURCE[0]}")/../checks.sh"
source "$(dirname "${BASH_SOURCE[0]}")/world.sh"
cd "$WORK"
make_world 1
start_server registrar
dev=devices/EXD-000001
curl_est() { curl -sS --fail-with-body --cacert domain-ca.crt "$@"; }
certs_of() { openssl base64 -d <"$1" | openssl pkcs7 -inform DER -print_certs; }  # base64 certs-only -> PEM

curl_est "$registrar_url/.well-known/est/cacerts" -D cacerts.h -o cacerts.b64
check "cacerts media type" grep -qi '^content-type: application/pkcs7-mime; *smime-type=certs-only' cacerts.h
certs_of cacerts.b64 >cacerts.pem
check "cacerts holds the domain CA" bash -c "openssl x509 -in cacerts.pem -noout -subject | grep -q 'CN = Domain CA'"
curl_est "$registrar_url/.well-known/est/csrattrs" -o csrattrs.b64
check "csrattrs is DER" bash -c 'openssl base64 -d <csrattrs.b64 | openssl asn1parse -inform DER >/dev/null'

# The device first onboards as a pledge (its voucher makes it known), then enrolls again
# with curl: a key and CSR made by openssl, the IDevID as TLS client certificate.
"$IOTONB_BIN" enroll --registrar "$registrar_url" --state "$dev" --masa-trust maker.crt >/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout curl.key -subj /serialNumber=EXD-000001 \
  -outform DER -out curl.csr 2>/dev/null
openssl base64 -in curl.csr >curl.csr.b64  # with line breaks, as RFC 8951 allows
curl_est --cert "$dev/idevid.crt" --key "$dev/idevid.key" -H 'Content-Type: application/pkcs10' \
  --data-binary @curl.csr.b64 "$registrar_url/.well-known/est/simpleenroll" -o issued.b64
certs_of issued.b64 >issued.pem
check "simpleenroll: the LDevID verifies against the domain CA" openssl verify -CAfile domain-ca.crt issued.pem
check_eq "simpleenroll: issued for the CSR's key" "$(openssl x509 -in issued.pem -noout -pubkey)" \
  "$(openssl pkey -in curl.key -pubout)"
check "simpleenroll: clientAuth" bash -c "openssl x509 -in issued.pem -noout -ext extendedKeyUsage | grep -q 'TLS Web Client'"
check "simpleenroll: serialNumber kept" bash -c "openssl x509 -in issued.pem -noout -subject | grep -q 'serialNumber = EXD-000001'"

# simplereenroll: the LDevID just issued is the client certificate; same subject, new key.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout renewed.key -subj /serialNumber=EXD-000001 \
  -outform DER 2>/dev/null | openssl base64 >renewed.csr.b64
curl_est --cert issued.pem --key curl.key -H 'Content-Type: application/pkcs10' --data-binary @renewed.csr.b64 \
  "$registrar_url/.well-known/est/simplereenroll" -o renewed.b64
certs_of renewed.b64 >renewed.pem
check "simplereenroll: the new LDevID verifies" openssl verify -CAfile domain-ca.crt renewed.pem
check_eq "simplereenroll: issued for the new key" "$(openssl x509 -in renewed.pem -noout -pubkey)" \
  "$(openssl pkey -in renewed.key -pubout)"
code=$(curl -s -o refused.txt -w '%{http_code}' --cacert domain-ca.crt --cert issued.pem --key curl.key \
  -H 'Content-Type: application/pkcs10' --data-binary @renewed.csr.b64 "$registrar_url/.well-known/est/simplereenroll")
check_eq "the replaced LDevID is refused" "$code" "403"
code=$(curl -s -o refused.txt -w '%{http_code}' --cacert domain-ca.crt --cert "$dev/idevid.crt" --key "$dev/idevid.key" \
  -H 'Content-Type: text/plain' --data-binary @curl.csr.b64 "$registrar_url/.well-known/est/simpleenroll")
check_eq "wrong media type: 415" "$code" "415"
check "every LDevID the pledge holds verifies" openssl verify -CAfile domain-ca.crt "$dev/ldevid.crt"
finish
