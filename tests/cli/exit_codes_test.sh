#!/bin/bash
# Exit codes as CONVENTIONS.md lists them (0 success, 1 check failed, 2 usage, 3 bad input),
# "did you mean", --version and the help commands.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

make_ca_pair
"$IOTONB_BIN" -q idevid mint --ca-cert ca.crt --ca-key ca.key --ca-password-file pw --serial SN-1 \
  --now 2026-06-01T00:00:00Z --out-dir out >/dev/null
printf 'other root password\n' >pw2
"$IOTONB_BIN" ca create --subject 'CN=Unrelated Root' --out-cert other.crt --out-key other.key --password-file pw2 >/dev/null
echo 'this is not a certificate' >bad.pem

# --- 2: usage -------------------------------------------------------------------------------
expect_exit 2 "mistyped group" -- idevd mint
expect_stderr_has "Did you mean 'idevid'"
expect_stdout_empty
expect_exit 2 "mistyped verb" -- idevid mnt
expect_stderr_has "Did you mean 'mint'"
expect_exit 2 "mistyped verb of cert" -- cert verfy x.crt
expect_stderr_has "Did you mean 'verify'"
expect_exit 2 "no command at all" --
expect_exit 2 "group without a verb" -- ca
expect_exit 2 "unknown option" -- cert inspect --colour root.crt
expect_exit 2 "missing required option" -- ca create --out-cert x.crt --out-key x.key --password-file pw
expect_stderr_has "--subject"
check "nothing written on a usage error" test ! -e x.crt -a ! -e x.key
expect_exit 2 "unknown --format" -- cert inspect --format xml root.crt
expect_exit 2 "unknown --key-type" -- key generate --key-type p521 -o k.key --password-file pw
expect_exit 2 "unknown --profile" -- ca create --profile registar --subject CN=x --out-cert r.crt --out-key r.key --password-file pw
expect_exit 2 "bad --at time" -- cert verify out/SN-1/idevid.crt --trust root.crt --at yesterday
expect_exit 2 "two device sources" -- idevid mint --ca-cert ca.crt --ca-key ca.key --ca-password-file pw --serial A --count 2 \
  --serial-format 'S-{}' --out-dir o2
check "nothing written for contradicting sources" test ! -e o2

# --- 3: input unreadable or malformed, naming the file ---------------------------------------
expect_exit 3 "inspect a missing file" -- cert inspect missing.pem
expect_stderr_has "missing.pem"
expect_exit 3 "inspect a malformed file" -- cert inspect bad.pem
expect_stderr_has "bad.pem: not a certificate"
expect_exit 3 "verify a malformed certificate" -- cert verify bad.pem --trust root.crt
expect_stderr_has "bad.pem"
expect_exit 3 "verify against a malformed anchor" -- cert verify out/SN-1/idevid.crt --trust bad.pem
expect_stderr_has "bad.pem"
expect_exit 3 "inspect (auto-detect) a malformed file" -- inspect bad.pem
expect_stderr_has "bad.pem"
expect_exit 3 "CA key file missing" -- idevid mint --ca-cert ca.crt --ca-key nokey.key --ca-password-file pw --serial SN-2 --out-dir o3
expect_stderr_has "nokey.key"
check "nothing written when the CA key is missing" test ! -e o3

# --- 1: the check ran and failed ---------------------------------------------------------------
expect_exit 1 "verify against the wrong anchor" -- cert verify out/SN-1/idevid.crt --trust other.crt --untrusted ca.crt \
  --at 2027-01-01T00:00:00Z
expect_stderr_has "out/SN-1/idevid.crt"
expect_stderr_has "unable to get local issuer certificate"
expect_exit 1 "verify after the CA expired" -- cert verify out/SN-1/idevid.crt --trust root.crt --untrusted ca.crt \
  --at 2029-06-01T00:00:00Z
expect_stderr_has "certificate has expired"
expect_stderr_has "2029-06-01T00:00:00Z"
expect_exit 1 "verify before the device was born" -- cert verify out/SN-1/idevid.crt --trust root.crt --untrusted ca.crt \
  --at 2026-05-01T00:00:00Z
expect_stderr_has "not yet valid"
expect_exit 1 "verify --format json reports the failure" -- cert verify out/SN-1/idevid.crt --trust other.crt \
  --untrusted ca.crt --at 2027-01-01T00:00:00Z --format json
check "verify --format json is JSON with valid=false" "$PYTHON3" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is False, d
assert "unable to get local issuer certificate" in d["reason"], d' "$OUT"

# --- 0: success --------------------------------------------------------------------------------
expect_exit 0 "verify with the chain" -- cert verify out/SN-1/idevid.crt --trust root.crt --untrusted ca.crt \
  --at 2027-01-01T00:00:00Z
expect_stdout_has "out/SN-1/idevid.crt: OK"
expect_exit 0 "verify with chain.pem appended to the certificate" -- cert verify out/SN-1/idevid.crt --trust root.crt \
  --untrusted out/SN-1/chain.pem --at 2027-01-01T00:00:00Z
expect_exit 0 "verify with the issuing CA as partial-chain anchor" -- cert verify out/SN-1/idevid.crt --trust ca.crt \
  --at 2027-01-01T00:00:00Z

# --- --version and help --------------------------------------------------------------------------
expect_exit 0 "--version" -- --version
check "--version prints 'iotonb X.Y.Z'" grep -qxE 'iotonb [0-9]+\.[0-9]+\.[0-9]+' "$OUT"
expect_exit 0 "help" -- help
for group in ca idevid cert csr key inspect; do
  check "'iotonb help' lists the $group group" grep -qE "^ +$group( |$)" "$OUT"
done
expect_exit 0 "--help" -- --help
for group in ca idevid cert csr key inspect; do
  check "'iotonb --help' lists the $group group" grep -qE "^ +$group( |$)" "$OUT"
done
expect_exit 0 "help idevid mint" -- help idevid mint
for opt in --ca-cert --serial --count --manifest --hw-type --masa-url --mud-url --mud-signer --out-dir; do
  expect_stdout_has "$opt"
done
expect_exit 0 "help idevid" -- help idevid
expect_stdout_has "mint"
expect_exit 0 "idevid mint --help" -- idevid mint --help
expect_stdout_has "--masa-url"
expect_exit 2 "help for a command that does not exist" -- help idevd

finish
