#!/bin/bash
# The pledge's commands that need no server: `device show` and `device wipe` on a device
# folder as `idevid mint` writes it (wipe keeps the birth identity byte for byte, refuses
# strangers unless --force, refuses folders that are not device state), and the usage errors
# of `enroll`, which are reported before any connection is made (an unreachable registrar is
# a network failure, exit 4).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

make_ca_pair
"$IOTONB_BIN" idevid mint --ca-cert ca.crt --ca-key ca.key --ca-password-file pw --no-progress \
  --serial SN-DEV --out-dir devices >/dev/null 2>&1
D=devices/SN-DEV
birth="$(sha256sum "$D/idevid.crt" "$D/idevid.key" "$D/chain.pem")"

# --- a device that left the factory ------------------------------------------------------------------
expect_exit 0 "device show, not enrolled" -- device show --state "$D" --format json
check "show prints JSON" is_json "$OUT"
expect_stdout_has '"serial-number":"SN-DEV"'
expect_stdout_has '"enrolled":false'
expect_exit 0 "device show, text" -- device show --state "$D"
expect_stdout_has "SN-DEV"
expect_exit 0 "device wipe with nothing to remove" -- device wipe --state "$D"
expect_stdout_has "nothing to remove"

# --- an enrolled device (its files made here as enroll would write them) ------------------------------
"$IOTONB_BIN" ca create --subject 'CN=Owner Domain CA' --now 2026-01-01T00:00:00Z --not-after 2030-01-01T00:00:00Z \
  --out-cert domain.crt --out-key domain.key --password-file pw >/dev/null
"$IOTONB_BIN" ca create --profile client --subject 'serialNumber=SN-DEV' --now 2026-01-01T00:00:00Z \
  --not-after 2029-01-01T00:00:00Z --parent-cert domain.crt --parent-key domain.key --parent-password-file pw \
  --out-cert "$D/ldevid.crt" --out-key "$D/ldevid.key" --no-password --insecure >/dev/null
cp domain.crt "$D/domain-ca.pem"
printf '\x30\x00' >"$D/voucher.vcj"
printf '{"network-id":"plant-7","authentication":"eap-tls","segment":"sensors"}\n' >"$D/network-profile.json"
cat >"$D/enrollment.json" <<'JSON'
{"registrar":"https://127.0.0.1:8443","serial-number":"SN-DEV","enrolled-at":"2026-11-27T12:00:00Z","renewals":0,
 "voucher":{"file":"voucher.vcj","assertion":"logged","created-on":"2026-11-27T11:59:00Z","nonce":"00"},
 "ldevid":{"key-type":"p256"}}
JSON
expect_exit 0 "device show, enrolled" -- device show --state "$D" --format json
check "show prints JSON" is_json "$OUT"
expect_stdout_has '"enrolled":true'
expect_stdout_has '"registrar":"https://127.0.0.1:8443"'
expect_stdout_has '"network-id":"plant-7"'
expect_stdout_has '"subject":"serialNumber=SN-DEV"'
expect_stdout_has '"domain-ca":["CN=Owner Domain CA"]'

expect_exit 2 "enroll over an existing enrollment without --force" -- \
  enroll --registrar https://127.0.0.1:1 --state "$D" --masa-trust root.crt
expect_stderr_has "already enrolled"

# --- wipe: strangers refused unless --force; the birth identity survives --------------------------------
echo mine >"$D/notes.txt"
expect_exit 2 "device wipe with a stranger in the folder" -- device wipe --state "$D"
expect_stderr_has "notes.txt"
expect_stderr_has "--force"
check "nothing removed" test -f "$D/enrollment.json" -a -f "$D/ldevid.key"
expect_exit 0 "device wipe --force" -- device wipe --state "$D" --force --format json
check "wipe prints JSON" is_json "$OUT"
expect_stdout_has '"removed":["domain-ca.pem","enrollment.json","ldevid.crt","ldevid.key","network-profile.json","notes.txt","voucher.vcj"]'
check_eq "only the birth identity is left" "$(ls -A "$D" | tr '\n' ' ')" "chain.pem idevid.crt idevid.key "
check_eq "birth identity unchanged" "$(sha256sum "$D/idevid.crt" "$D/idevid.key" "$D/chain.pem")" "$birth"
expect_exit 0 "device show after the wipe" -- device show --state "$D" --format json
expect_stdout_has '"enrolled":false'

mkdir plain && echo x >plain/data
expect_exit 2 "device wipe of a folder that is not device state" -- device wipe --state plain --force
expect_stderr_has "not a device state folder"
check "its files are untouched" test -f plain/data
expect_exit 3 "device show of a missing folder" -- device show --state missing
expect_exit 2 "device without a verb" -- device
expect_exit 2 "device wipe without --state" -- device wipe

# --- enroll: usage errors before any connection, and an unreachable registrar ----------------------------
expect_exit 2 "enroll without --state" -- enroll --registrar https://127.0.0.1:1 --masa-trust root.crt
expect_exit 2 "enroll without --registrar" -- enroll --state "$D" --masa-trust root.crt
expect_stderr_has "--registrar"
expect_exit 2 "enroll without --masa-trust" -- enroll --state "$D" --registrar https://127.0.0.1:1
expect_stderr_has "--masa-trust"
expect_exit 2 "enroll --form jws" -- enroll --state "$D" --registrar https://127.0.0.1:1 --masa-trust root.crt --form jws
expect_exit 2 "enroll --renew with --masa-trust" -- enroll --renew --state "$D" --masa-trust root.crt
expect_exit 2 "enroll --renew on a device that is not enrolled" -- enroll --renew --state "$D"
expect_stderr_has "not enrolled"
expect_exit 2 "enroll with an http:// registrar" -- enroll --state "$D" --registrar http://127.0.0.1:1 --masa-trust root.crt
expect_stderr_has "https://"
expect_exit 3 "enroll with an unreadable --masa-trust" -- enroll --state "$D" --registrar https://127.0.0.1:1 --masa-trust nope.pem
expect_exit 4 "enroll with nothing listening" -- \
  enroll --state "$D" --registrar https://127.0.0.1:1 --masa-trust root.crt --timeout 5
expect_stderr_has "127.0.0.1:1"
check_eq "a failed enroll writes nothing" "$(ls -A "$D" | tr '\n' ' ')" "chain.pem idevid.crt idevid.key "

finish
