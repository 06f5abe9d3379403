#!/bin/bash
# idevid mint failures: a CSR whose signature does not verify is a failed check (exit 1),
# malformed manifests are bad input (exit 3) naming FILE:LINE; in every case nothing is
# written. Then a good manifest, and re-running it mints nothing twice.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

make_ca_pair
mint=(idevid mint --ca-cert ca.crt --ca-key ca.key --ca-password-file pw --no-progress)

# --- a CSR with a damaged signature -------------------------------------------------------------
"$IOTONB_BIN" csr create --subject CN=dev --out-key dev.key --no-password --insecure -o dev.csr 2>/dev/null
"$PYTHON3" - dev.csr bad.csr <<'PY'
import base64, sys
lines = open(sys.argv[1]).read().split()
der = bytearray(base64.b64decode("".join(l for l in lines if not l.startswith("-----") and l not in ("BEGIN", "END", "CERTIFICATE", "REQUEST-----"))))
der[-1] ^= 0x01  # last octet of the signature value
b64 = base64.encodebytes(bytes(der)).decode()
open(sys.argv[2], "w").write("-----BEGIN CERTIFICATE REQUEST-----\n" + b64 + "-----END CERTIFICATE REQUEST-----\n")
PY
check "openssl also rejects the damaged CSR" bash -c 'openssl req -in bad.csr -verify -noout 2>&1 | grep -q "verify failure"'
expect_exit 1 "idevid mint --csr with a bad signature" -- "${mint[@]}" --serial SN-CSR --csr bad.csr --out-dir csr-out
expect_stderr_has "bad.csr"
expect_stderr_has "signature"
check "nothing written for the bad CSR" test ! -e csr-out
mkdir csr-existing
expect_exit 1 "bad CSR into an existing out dir" -- "${mint[@]}" --serial SN-CSR --csr bad.csr --out-dir csr-existing
check_eq "existing out dir still empty" "$(ls -A csr-existing)" ""
expect_exit 3 "idevid mint --csr with a file that is not a CSR" -- "${mint[@]}" --serial SN-CSR --csr ca.crt --out-dir csr-out
expect_stderr_has "ca.crt"
check "nothing written" test ! -e csr-out
expect_exit 0 "idevid mint --csr with the good CSR" -- "${mint[@]}" --serial SN-CSR --csr dev.csr --out-dir csr-ok
check "certificate written, no key" bash -c 'test -f csr-ok/SN-CSR/idevid.crt && test ! -e csr-ok/SN-CSR/idevid.key'

# --- one device with the certificate serial its maker chose ------------------------------------------
expect_exit 0 "idevid mint --serial --cert-serial" -- "${mint[@]}" --serial SN-FIXED --cert-serial 0A1B2C --out-dir fixed
check_eq "--cert-serial is the certificate's serial" "$(openssl x509 -in fixed/SN-FIXED/idevid.crt -noout -serial)" "serial=0A1B2C"

# --- malformed manifests -----------------------------------------------------------------------------
# expect_bad_manifest FILE LOCATION TEXT: exit 3, the message starts with FILE:LINE, nothing written.
expect_bad_manifest() {
  local file="$1" where="$2" text="$3"
  rm -rf m-out
  expect_exit 3 "manifest $file" -- "${mint[@]}" --manifest "$file" --out-dir m-out
  expect_stderr_has "$where: "
  expect_stderr_has "$text"
  check "$file: no output dir" test ! -e m-out
  mkdir -p m-existing
  expect_exit 3 "manifest $file into an existing out dir" -- "${mint[@]}" --manifest "$file" --out-dir m-existing
  check_eq "$file: existing out dir still empty" "$(ls -A m-existing)" ""
}

printf 'serial,hw_type\nSN-1,1.3.6.1.4.1.32473.1\nSN-2,\nSN-1,\n' >dup.csv
expect_bad_manifest dup.csv "dup.csv:4" "SN-1"
printf 'serial\nSN-1\nSN_2\nSN-3\n' >nonprintable.csv
expect_bad_manifest nonprintable.csv "nonprintable.csv:3" "SN_2"
printf 'serial\nSN-1\n"SN\xc3\xa9"\n' >utf8.csv
expect_bad_manifest utf8.csv "utf8.csv:3" "PrintableString"
printf 'serial,hw_type\nSN-1,not-an-oid\n' >badoid.csv
expect_bad_manifest badoid.csv "badoid.csv:2" "not-an-oid"
printf 'serial,masa_url\nSN-1,masa.example.com\nSN-2,masa example\n' >badurl.csv
expect_bad_manifest badurl.csv "badurl.csv:3" "MASA URL"
printf 'serial,colour\nSN-1,red\n' >badcolumn.csv
expect_bad_manifest badcolumn.csv "badcolumn.csv:1" "colour"
printf -- '- serial: SN-1\n- serial: SN-2\n- serial: SN-1\n' >dup.yaml
expect_bad_manifest dup.yaml "dup.yaml:3" "SN-1"
printf -- '- serial: SN-1\n- serial: "SN*2"\n' >nonprintable.yaml
expect_bad_manifest nonprintable.yaml "nonprintable.yaml:2" "SN*2"
expect_exit 3 "a missing manifest" -- "${mint[@]}" --manifest nosuch.csv --out-dir m-out
expect_stderr_has "nosuch.csv"

# --- a good manifest, minted once ---------------------------------------------------------------------
printf 'serial,hw_type,masa_url\nGOOD-1,1.3.6.1.4.1.32473.1,masa.example.com\nGOOD-2,,\n' >good.csv
expect_exit 0 "good manifest" -- "${mint[@]}" --manifest good.csv --out-dir good --masa-url default.example.com
check "two device folders" test -f good/GOOD-1/idevid.crt -a -f good/GOOD-2/idevid.crt
check "row value over the default" bash -c \
  "'$IOTONB_BIN' cert inspect --format json good/GOOD-1/idevid.crt | grep -q '\"value\":\"masa.example.com\"'"
check "empty cell takes the default" bash -c \
  "'$IOTONB_BIN' cert inspect --format json good/GOOD-2/idevid.crt | grep -q '\"value\":\"default.example.com\"'"
before="$(sha256sum good/GOOD-1/idevid.crt good/GOOD-2/idevid.crt)"
expect_exit 0 "re-running the same manifest" -- "${mint[@]}" --manifest good.csv --out-dir good --masa-url default.example.com
expect_stdout_empty
expect_stderr_has "already issued"
check_eq "nothing minted twice" "$(sha256sum good/GOOD-1/idevid.crt good/GOOD-2/idevid.crt)" "$before"

finish
