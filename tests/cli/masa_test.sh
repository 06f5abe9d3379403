#!/bin/bash
# iotonb supply-chain purchase and iotonb masa claim / serve from the command line: records
# from device folders, the issuance ledger and a list; claim verifies the signature before it
# stores anything (tampered record, wrong trust: exit 1; not a record: exit 3); resale moves
# ownership; serve starts on a free port, prints its URL and stops on SIGTERM.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
unsafe=(--no-password --insecure)

"$IOTONB_BIN" ca create --subject CN=Mfg-Root --out-cert mfg.crt --out-key mfg.key "${unsafe[@]}" >/dev/null
"$IOTONB_BIN" ca create --profile masa --subject CN=MASA --parent-cert mfg.crt --parent-key mfg.key \
  --out-cert masa.crt --out-key masa.key "${unsafe[@]}" >/dev/null
"$IOTONB_BIN" ca create --profile server --subject CN=localhost --san DNS:localhost --san IP:127.0.0.1 \
  --parent-cert mfg.crt --parent-key mfg.key --out-cert masa-tls.crt --out-key masa-tls.key "${unsafe[@]}" >/dev/null
"$IOTONB_BIN" ca create --subject CN=Owner-CA --out-cert owner.crt --out-key owner.key "${unsafe[@]}" >/dev/null
"$IOTONB_BIN" ca create --subject CN=Other-CA --out-cert other.crt --out-key other.key "${unsafe[@]}" >/dev/null
"$IOTONB_BIN" idevid mint --ca-cert mfg.crt --ca-key mfg.key --count 3 --serial-format 'SN-{:04}' --out-dir dev >/dev/null
purchase=(supply-chain purchase --manufacturer-key mfg.key --manufacturer-cert mfg.crt --owner "Owner Inc." --domain-ca owner.crt)

expect_exit 0 "purchase from device folders" -- "${purchase[@]}" --devices dev --id p-1 -o p1.p7
# Interop: openssl reads the record as CMS SignedData and verifies it to the manufacturer CA.
check "openssl cms -verify accepts the record" openssl cms -verify -inform DER -in p1.p7 -CAfile mfg.crt -purpose any \
  -out p1.json
check "its content is the purchase JSON" "$PYTHON3" -c 'import json,sys; d=json.load(open("p1.json"))
assert d["id"] == "p-1" and d["owner"] == "Owner Inc." and len(d["devices"]) == 3, d
assert all(len(x["idevid-sha256"]) == 64 for x in d["devices"])'
expect_exit 2 "an existing output is not replaced without --force" -- "${purchase[@]}" --devices dev -o p1.p7
expect_exit 0 "purchase from the issuance ledger, two serials" -- "${purchase[@]}" --ledger dev/ledger.sqlite \
  --serial SN-0001 --serial SN-0002 -o p2.p7
expect_exit 3 "a serial that is not in the ledger" -- "${purchase[@]}" --ledger dev/ledger.sqlite --serial SN-9999 -o x.p7
printf '# serial,idevid\nSN-0001,dev/SN-0001/idevid.crt\ndev/SN-0002\n' >list.txt
expect_exit 0 "purchase from a list" -- "${purchase[@]}" --serial-list list.txt --format pem -o p3.pem
printf 'SN-0002,dev/SN-0001/idevid.crt\n' >badlist.txt
expect_exit 3 "a list line whose certificate has another serial" -- "${purchase[@]}" --serial-list badlist.txt -o x.p7
expect_stderr_has 'badlist.txt:1'
expect_exit 2 "two device sources" -- "${purchase[@]}" --devices dev --ledger dev/ledger.sqlite -o x.p7
expect_exit 2 "no device source" -- "${purchase[@]}" -o x.p7
expect_exit 2 "a key that does not match the certificate" -- supply-chain purchase --manufacturer-key owner.key \
  --manufacturer-cert mfg.crt --owner O --domain-ca owner.crt --devices dev -o x.p7

expect_exit 0 "claim into a new store" -- masa claim --purchase p1.p7 --manufacturer-trust mfg.crt --store masa.sqlite \
  --format json
expect_stdout_has '"purchase":"p-1"'
expect_stdout_has '"added":3'
check "claim output is JSON" is_json "$OUT"
expect_exit 0 "claim a PEM record again" -- masa claim --purchase p3.pem --manufacturer-trust mfg.crt --store masa.sqlite
expect_stdout_has '0 new, 0 moved from another owner, 2 unchanged'
expect_exit 1 "claim with the wrong trust anchor" -- masa claim --purchase p1.p7 --manufacturer-trust owner.crt --store masa.sqlite
cp p1.p7 tampered.p7
printf '\x00' | dd of=tampered.p7 bs=1 seek=$(($(stat -c %s p1.p7) - 8)) conv=notrunc status=none
expect_exit 1 "claim a record with a broken signature" -- masa claim --purchase tampered.p7 --manufacturer-trust mfg.crt \
  --store masa.sqlite
expect_stderr_has 'tampered.p7'
"$PYTHON3" - <<'PY'
data = open("p1.p7", "rb").read()
i = data.find(b"Owner Inc.")
open("edited.p7", "wb").write(data[:i] + b"Evil" + data[i + 4:])
PY
expect_exit 1 "claim a record whose content was edited" -- masa claim --purchase edited.p7 --manufacturer-trust mfg.crt \
  --store masa.sqlite
printf 'not a purchase record' >junk.p7
expect_exit 3 "claim something that is not a record" -- masa claim --purchase junk.p7 --manufacturer-trust mfg.crt \
  --store masa.sqlite
expect_exit 2 "claim needs a store" -- masa claim --purchase p1.p7 --manufacturer-trust mfg.crt

# Resale: another owner's record for one of the devices moves it.
expect_exit 0 "resale record" -- supply-chain purchase --manufacturer-key mfg.key --manufacturer-cert mfg.crt \
  --owner Other --domain-ca other.crt --devices dev --serial SN-0003 -o resale.p7
expect_exit 0 "claim the resale" -- masa claim --purchase resale.p7 --manufacturer-trust mfg.crt --store masa.sqlite --format json
expect_stdout_has '"moved":1'

cat >masa.yaml <<YAML
listen: {address: 127.0.0.1, port: 0}
tls: {cert: masa-tls.crt, key: masa-tls.key}
voucher-signer: {cert: masa.crt, key: masa.key}
manufacturer-trust: mfg.crt
store: served.sqlite
voucher: {forms: [cms, cose], nonceless-validity: 7d}
YAML
expect_exit 0 "claim through --config (its store and manufacturer-trust)" -- masa claim --purchase p1.p7 --config masa.yaml
check "the configured store was written" test -s served.sqlite
printf 'listen: {adress: 127.0.0.1}\n' >typo.yaml
expect_exit 3 "a config key that does not exist" -- masa claim --purchase p1.p7 --config typo.yaml
expect_stderr_has 'listen.adress: unknown key'

"$IOTONB_BIN" masa serve --config masa.yaml --format json >serve.out 2>serve.err &
pid=$!
for _ in $(seq 50); do [[ -s serve.out ]] && break; sleep 0.1; done
check "serve prints its URL as JSON" grep -q '"url":"https://127.0.0.1:' serve.out
port=$("$PYTHON3" -c 'import json; print(json.load(open("serve.out"))["port"])')
code=$(curl -sk -o body.txt -w '%{http_code}' -X POST -H 'Content-Type: text/plain' --data x \
  "https://127.0.0.1:$port/.well-known/brski/requestvoucher" || true)
check_eq "wrong media type is 415" "$code" 415
code=$(curl -sk -o body.txt -w '%{http_code}' -X POST -H 'Content-Type: application/voucher-cms+json' --data garbage \
  "https://127.0.0.1:$port/.well-known/brski/requestvoucher" || true)
check_eq "malformed body is 400" "$code" 400
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
check_eq "serve stops cleanly on SIGTERM" "$rc" 0

finish
