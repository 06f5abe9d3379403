#!/bin/bash
# iotonb registrar: allow (a signed purchase record into the allow-list), serve (HTTPS on a
# free loopback port, stopped by SIGTERM), curl as an EST client (cacerts, csrattrs decoded by
# openssl; simpleenroll refused for a device without a voucher), media type refusals, and
# devices list/show/revoke/quarantine in text and JSON.
SUITE=registrar
source "$(dirname "${BASH_SOURCE[0]}")/../checks.sh"
command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 0; }

printf 'registrar test password\n' >pw
"$IOTONB_BIN" ca create --subject 'O=Maker,CN=Maker Root' --out-cert maker.crt --out-key maker.key --password-file pw >/dev/null
"$IOTONB_BIN" ca create --subject 'O=Owner,CN=Owner Domain CA' --out-cert domain.crt --out-key domain.key --password-file pw >/dev/null
"$IOTONB_BIN" ca create --profile registrar --subject 'O=Owner,CN=registrar' --san IP:127.0.0.1 --parent-cert domain.crt \
  --parent-key domain.key --parent-password-file pw --out-cert registrar.crt --out-key registrar.key --password-file pw >/dev/null
"$IOTONB_BIN" idevid mint --ca-cert maker.crt --ca-key maker.key --ca-password-file pw --serial SN-0001 \
  --masa-url 127.0.0.1:9 --out-dir devices >/dev/null
"$IOTONB_BIN" supply-chain purchase --manufacturer-key maker.key --key-password-file pw --manufacturer-cert maker.crt \
  --owner 'Owner Inc.' --domain-ca domain.crt --devices devices --id purchase-1 -o purchase.p7 >/dev/null

cat >registrar.yaml <<'YAML'
listen: {address: 127.0.0.1, port: 0}
tls: {cert: registrar.crt, key: registrar.key, password-file: pw}
domain-ca: {cert: domain.crt, key: domain.key, password-file: pw}
manufacturer-trust: maker.crt
masa: {trust: maker.crt}
store: registrar.sqlite
network: {network-id: plant-iot, authentication: eap-tls, segment: vlan-120}
ldevid: {validity: 90d}
YAML

check_eq "allow: text" "$("$IOTONB_BIN" registrar allow --purchase purchase.p7 --config registrar.yaml)" \
  "purchase purchase-1: 1 device(s) of Owner Inc. allowed (1 new)"
check "allow: json, again (not new)" bash -c "'$IOTONB_BIN' registrar allow --purchase purchase.p7 --store registrar.sqlite \
  --manufacturer-trust maker.crt --format json | grep -q '\"added\":0'"
rc=0
"$IOTONB_BIN" registrar allow --purchase purchase.p7 --store registrar.sqlite --manufacturer-trust domain.crt 2>err.txt || rc=$?
check_eq "allow: wrong manufacturer trust exits 1" "$rc" "1"

"$IOTONB_BIN" registrar serve --config registrar.yaml >serve.out 2>serve.err &
pid=$!
for _ in $(seq 1 100); do grep -q listening serve.out 2>/dev/null && break; sleep 0.1; done
url="$(sed -n 's/^registrar listening on //p' serve.out)"
check "serve prints its URL" test -n "$url"

curl_est() { curl -sS -k --max-time 10 "$@"; }
curl_est -o cacerts.b64 -w '%{http_code} %{content_type}\n' "$url/.well-known/est/cacerts" >cacerts.status
check_eq "cacerts: 200 certs-only" "$(cat cacerts.status)" "200 application/pkcs7-mime; smime-type=certs-only"
check "cacerts: openssl prints the domain CA" bash -c \
  "openssl base64 -d -in cacerts.b64 | openssl pkcs7 -inform DER -print_certs -noout | grep -q 'Owner Domain CA'"
curl_est -o csrattrs.b64 "$url/.well-known/est/csrattrs"
check "csrattrs: openssl asn1parse shows serialNumber" bash -c \
  "openssl base64 -d -in csrattrs.b64 | openssl asn1parse -inform DER | grep -q serialNumber"

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ldevid.key -subj '/serialNumber=SN-0001/CN=dev' \
  -outform DER 2>/dev/null | openssl base64 >csr.b64
code="$(curl_est -o enroll.out -w '%{http_code}' --cert devices/SN-0001/idevid.crt --key devices/SN-0001/idevid.key \
  -H 'Content-Type: application/pkcs10' --data-binary @csr.b64 "$url/.well-known/est/simpleenroll")"
check_eq "simpleenroll before a voucher: 403" "$code" "403"
check "simpleenroll before a voucher: says why" grep -q "has not obtained a voucher" enroll.out
code="$(curl_est -o /dev/null -w '%{http_code}' -H 'Content-Type: application/pkcs10' --data-binary @csr.b64 \
  "$url/.well-known/est/simpleenroll")"
check_eq "simpleenroll without client certificate: 401" "$code" "401"
code="$(curl_est -o rv.out -w '%{http_code}' --cert devices/SN-0001/idevid.crt --key devices/SN-0001/idevid.key \
  -H 'Content-Type: application/json' --data-binary '{}' "$url/.well-known/brski/requestvoucher")"
check_eq "requestvoucher with the wrong media type: 415" "$code" "415"
code="$(curl_est -o rv.out -w '%{http_code}' --cert devices/SN-0001/idevid.crt --key devices/SN-0001/idevid.key \
  -H 'Content-Type: application/voucher-cms+json' --data-binary 'garbage' "$url/.well-known/brski/requestvoucher")"
check_eq "requestvoucher with a malformed body: 400" "$code" "400"
code="$(curl_est -o /dev/null -w '%{http_code}' --cert devices/SN-0001/idevid.crt --key devices/SN-0001/idevid.key \
  "$url/.well-known/iotonb/network-profile")"
check_eq "network-profile with an IDevID: 403" "$code" "403"

kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
check_eq "serve stops cleanly on SIGTERM" "$rc" "0"

check "devices list: json, empty" bash -c "'$IOTONB_BIN' registrar devices list --config registrar.yaml --format json | grep -qx '{\"devices\":\\[\\]}'"
rc=0 rc2=0 rc3=0
"$IOTONB_BIN" registrar devices show SN-0002 --store registrar.sqlite >/dev/null 2>&1 || rc=$?
"$IOTONB_BIN" registrar devices revoke --store registrar.sqlite >/dev/null 2>&1 || rc2=$?
"$IOTONB_BIN" registrar devices revoke SN-0001 --store registrar.sqlite >/dev/null 2>&1 || rc3=$?
check_eq "devices show: unknown serial exits 1" "$rc" "1"
check_eq "devices revoke: SERIAL missing is a usage error" "$rc2" "2"
check_eq "devices revoke: a device never seen exits 1" "$rc3" "1"
check "devices show: an allowed device never seen" bash -c \
  "'$IOTONB_BIN' registrar devices show SN-0001 --store registrar.sqlite --format json | grep -q '\"status\":\"never-seen\"'"

finish
