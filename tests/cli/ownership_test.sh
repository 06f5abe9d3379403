#!/bin/bash
# iotonb ownership from the command line: FDO 1.1 vouchers made from minted IDevIDs with P-256
# and P-384 manufacturer keys, sold three times, verified with the device credential and the
# expected keys, and ownership proven only by the last owner; every voucher iotonb writes is
# also accepted by the independent checker (tests/interop/check_fdo_voucher.py); the public FDO
# vectors (read in place) verify and transfer; each way a voucher can be wrong gives its
# documented exit code; batches create and transfer a folder of devices.
CHECKER_PY="$(cd "$(dirname "${BASH_SOURCE[0]}")/../interop" && pwd)/check_fdo_voucher.py"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
F="$IOTONB_VECTORS_DIR/fdo"
unsafe=(--no-password --insecure)
RV=(--rv https://rv.example.com:8041 --rv http://192.0.2.7)
NONCE=00112233445566778899aabbccddeeff

# independent DESCRIPTION FILE [CHECKER-ARGS...]: the independent checker accepts FILE.
independent() {
  local what="$1"
  shift
  check "independent checker: $what" "$PYTHON3" "$CHECKER_PY" "$@"
}
# The HMAC secret of a device credential iotonb wrote (FDO layout: item 2), as hex.
secret_hex() { "$PYTHON3" -c 'import cbor2, sys; print(cbor2.loads(open(sys.argv[1], "rb").read())[2].hex())' "$1"; }
mode_of() { stat -c %a "$1"; }

# --- A manufacturer CA with three minted devices; P-256 and P-384 manufacturer keys -------------
"$IOTONB_BIN" ca create --subject 'O=Acme,CN=Acme Device CA' --out-cert ca.crt --out-key ca.key "${unsafe[@]}" >/dev/null
"$IOTONB_BIN" idevid mint --ca-cert ca.crt --ca-key ca.key --count 3 --serial-format 'SN-{:04}' --out-dir devices \
  --no-progress -q >/dev/null
for curve in p256 p384; do
  "$IOTONB_BIN" -q key generate --key-type "$curve" -o "mfg-$curve.key" --public-out "mfg-$curve.pub" "${unsafe[@]}"
  "$IOTONB_BIN" ca create --subject "CN=Acme Manufacturer $curve" --key "mfg-$curve.key" --out-cert "mfg-$curve.crt" \
    >/dev/null
  for i in 1 2 3; do
    "$IOTONB_BIN" -q key generate --key-type "$curve" -o "owner$i-$curve.key" --public-out "owner$i-$curve.pub" \
      "${unsafe[@]}"
  done
done
for i in 1 3; do
  "$IOTONB_BIN" ca create --subject "CN=Owner$i" --key "owner$i-p256.key" --out-cert "owner$i-p256.crt" >/dev/null
done

# --- Manufacture, three sales, verify, prove: for each curve ------------------------------------
for curve in p256 p384; do
  dev=devices/SN-0001
  expect_exit 0 "voucher create ($curve, from the minted IDevID)" -- ownership voucher create \
    --manufacturer-key "mfg-$curve.key" --idevid "$dev" "${RV[@]}" -o "$curve.ov" --credential-out "$curve.dc"
  check_eq "$curve: credential written with mode 0600" "$(mode_of "$curve.dc")" 600
  check "$curve: PEM OWNERSHIP VOUCHER" grep -q -- '-----BEGIN OWNERSHIP VOUCHER-----' "$curve.ov"
  secret="$(secret_hex "$curve.dc")"
  independent "$curve: new voucher with its HMAC secret and manufacturer" "$curve.ov" --hmac-secret-hex "$secret" \
    --manufacturer "mfg-$curve.pub" --owner "mfg-$curve.pub"
  expect_exit 0 "verify the new voucher ($curve)" -- ownership verify "$curve.ov" --device-credential "$curve.dc" \
    --manufacturer "mfg-$curve.crt" --owner "mfg-$curve.pub"
  expect_stdout_has "$curve.ov: OK (FDO ownership voucher, GUID "
  expect_stdout_has "0 entries"

  prev="$curve.ov"
  prev_key="mfg-$curve.key"
  for i in 1 2 3; do
    expect_exit 0 "transfer $i ($curve)" -- ownership transfer "$prev" --owner-key "$prev_key" --to "owner$i-$curve.pub" \
      -o "$curve.$i.ov"
    independent "$curve: after sale $i" "$curve.$i.ov" --hmac-secret-hex "$secret" --manufacturer "mfg-$curve.pub" \
      --owner "owner$i-$curve.pub"
    prev="$curve.$i.ov"
    prev_key="owner$i-$curve.key"
  done
  expect_exit 0 "verify after three sales ($curve)" -- ownership verify "$curve.3.ov" --device-credential "$curve.dc" \
    --manufacturer "mfg-$curve.pub" --owner "owner3-$curve.pub"
  expect_stdout_has "3 entries"
  expect_exit 0 "verify --format json ($curve)" -- ownership verify "$curve.3.ov" --device-credential "$curve.dc" \
    --manufacturer "mfg-$curve.pub" --owner "owner3-$curve.pub" --format json
  check "json: one valid object" is_json "$OUT"
  expect_stdout_has '"valid":true'
  expect_stdout_has '"type":"fdo-ownership-voucher","form":"pem"'
  for name in header-hmac credential device-chain-hash device-chain 'entry[0].signature' 'entry[2].previous-hash' \
    'entry[2].header-info-hash' 'entry[2].key-type' manufacturer owner; do
    expect_stdout_has "{\"name\":\"$name\",\"result\":\"pass\""
  done
  expect_exit 1 "verify with the wrong expected owner ($curve)" -- ownership verify "$curve.3.ov" --owner "owner2-$curve.pub"
  expect_stderr_has "$curve.3.ov: owner: "

  # Only the last owner proves ownership; the device checks with its credential.
  expect_exit 0 "prove by the last owner ($curve)" -- ownership prove --voucher "$curve.3.ov" --owner-key "owner3-$curve.key" \
    --nonce "$NONCE" -o "$curve.proof"
  expect_exit 0 "check the proof ($curve)" -- ownership check --device-credential "$curve.dc" --voucher "$curve.3.ov" \
    --proof "$curve.proof" --nonce "$NONCE"
  expect_stdout_has "ownership proven"
  expect_exit 1 "check the proof against another nonce ($curve)" -- ownership check --device-credential "$curve.dc" \
    --voucher "$curve.3.ov" --proof "$curve.proof" --nonce ffeeddccbbaa99887766554433221100
  expect_stderr_has "another nonce"
  for earlier in "mfg-$curve" "owner1-$curve" "owner2-$curve"; do
    expect_exit 1 "prove by an earlier owner ($earlier)" -- ownership prove --voucher "$curve.3.ov" --owner-key "$earlier.key" \
      --nonce "$NONCE" -o "$earlier.proof"
    expect_stderr_has "is not the voucher's current owner key"
    check "no proof written for $earlier" test ! -e "$earlier.proof"
  done
  # A proof an earlier owner made while it owned the device does not prove ownership now.
  expect_exit 0 "prove by owner 2 with the voucher of its time ($curve)" -- ownership prove --voucher "$curve.2.ov" \
    --owner-key "owner2-$curve.key" --nonce "$NONCE" -o "$curve.old.proof"
  expect_exit 1 "check an earlier owner's proof against the current voucher ($curve)" -- ownership check \
    --device-credential "$curve.dc" --voucher "$curve.3.ov" --proof "$curve.old.proof" --nonce "$NONCE"
  expect_stderr_has "not signed by the voucher's current owner"
done

# Other key encodings, and a device chain given as PEM.
cat devices/SN-0002/idevid.crt devices/SN-0002/chain.pem >sn2-chain.pem
expect_exit 0 "voucher create --key-encoding x5chain --device-chain" -- ownership voucher create \
  --manufacturer-key mfg-p256.crt --key-encoding x5chain --device-chain sn2-chain.pem "${RV[@]}" \
  --guid 0123456789abcdef0123456789abcdef --device-info acme-sensor -o x5.ov --credential-out x5.dc
independent "X5CHAIN manufacturer key" x5.ov --hmac-secret-hex "$(secret_hex x5.dc)" --manufacturer mfg-p256.pub
expect_exit 0 "transfer to a COSE_Key" -- ownership transfer x5.ov --owner-key mfg-p256.key --to owner1-p256.pub \
  --key-encoding cosekey -o x5.1.ov
expect_exit 0 "transfer to an X5CHAIN key, with OVEExtra" -- ownership transfer x5.1.ov --owner-key owner1-p256.key \
  --to owner3-p256.crt --key-encoding x5chain --extra <(printf '\xa1\x01\x42\x00\x01') -o x5.2.ov
independent "COSEKEY and X5CHAIN entries" x5.2.ov --hmac-secret-hex "$(secret_hex x5.dc)" --owner owner3-p256.pub
expect_exit 0 "verify them" -- ownership verify x5.2.ov --device-credential x5.dc --owner owner3-p256.crt
expect_exit 0 "inspect --format json shows the GUID and DeviceInfo" -- ownership inspect x5.2.ov --format json
expect_stdout_has '"guid":"01234567-89ab-cdef-0123-456789abcdef"'
expect_stdout_has '"device_info":"acme-sensor"'
expect_stdout_has '"encoding":"X5CHAIN"'
expect_exit 2 "--manufacturer-cert without x5chain" -- ownership voucher create --manufacturer-key mfg-p256.key \
  --manufacturer-cert mfg-p256.crt --idevid devices/SN-0002 "${RV[@]}" -o y.ov --credential-out y.dc
expect_exit 2 "x5chain from a bare public key" -- ownership voucher create --manufacturer-key mfg-p256.pub \
  --key-encoding x5chain --idevid devices/SN-0002 "${RV[@]}" -o y.ov --credential-out y.dc
expect_exit 2 "no --rv" -- ownership voucher create --manufacturer-key mfg-p256.key --idevid devices/SN-0002 \
  -o y.ov --credential-out y.dc
expect_exit 2 "no --credential-out" -- ownership voucher create --manufacturer-key mfg-p256.key --idevid devices/SN-0002 \
  "${RV[@]}" -o y.ov
expect_exit 2 "a GUID of 15 octets" -- ownership voucher create --manufacturer-key mfg-p256.key --idevid devices/SN-0002 \
  "${RV[@]}" --guid 0123456789abcdef0123456789abcd -o y.ov --credential-out y.dc
check "nothing written by the refused creates" test ! -e y.ov -a ! -e y.dc

# --- iotonb inspect and ownership inspect: vouchers and credentials ----------------------------------
expect_exit 0 "iotonb inspect recognises a voucher" -- inspect p256.3.ov --format json
expect_stdout_has '"type":"fdo-ownership-voucher"'
expect_stdout_has '"entry_count":3'
expect_exit 0 "iotonb inspect recognises a device credential" -- inspect p256.dc --format json
expect_stdout_has '"type":"fdo-device-credential"'
expect_stdout_has '"hmac_secret_length":32'
secret="$(secret_hex p384.dc)"
expect_exit 0 "ownership inspect a credential (text)" -- ownership inspect p384.dc
expect_stdout_has "hmac secret length: 48"
check "the secret is not in the text" bash -c "! grep -qi '$secret' '$OUT'"
expect_exit 0 "ownership inspect a credential (diag)" -- ownership inspect p384.dc --format diag
expect_stdout_has "<redacted: DCHmacSecret, 48 octets>"
check "the secret is not in the diagnostic notation" bash -c "! grep -qi '$secret' '$OUT'"
expect_exit 0 "ownership inspect a voucher (diag)" -- ownership inspect p384.3.ov --format diag
expect_stdout_has "18([<<{1: -35}>>"
expect_exit 0 "iotonb inspect, several vouchers in one file" -- inspect <(cat p256.ov p384.ov) --format json
expect_stdout_has '"type":"fdo-ownership-voucher-bundle"'

# --- Several vouchers in one file ------------------------------------------------------------------
cat p256.1.ov x5.1.ov >two.ov
expect_exit 0 "verify a file with two vouchers" -- ownership verify two.ov --format json
check_eq "one JSON object per voucher" "$(grep -c '"valid":true' "$OUT")" 2
expect_stdout_has '"voucher":2'
expect_exit 0 "transfer both (one owner holds both)" -- ownership transfer two.ov --owner-key owner1-p256.key \
  --to owner2-p256.pub -o two.next.ov
independent "both transferred" two.next.ov --owner owner2-p256.pub
cat p256.1.ov p256.2.ov >mixed.ov
expect_exit 1 "transfer a file where the key owns only the first" -- ownership transfer mixed.ov --owner-key owner1-p256.key \
  --to owner3-p256.pub -o mixed.next.ov
expect_stderr_has "mixed.ov: voucher 2: "
check "nothing written" test ! -e mixed.next.ov

# --- The public vectors, read in place ---------------------------------------------------------------
if [[ -d "$F/go-fdo" && -d "$F/fdo-rs" ]]; then
  expect_exit 0 "go-fdo ov.pem with dc.bin and its manufacturer key" -- ownership verify "$F/go-fdo/ov.pem" \
    --device-credential "$F/go-fdo/dc.bin" --manufacturer "$F/go-fdo/mfg_key.pem" --format json
  expect_stdout_has '{"name":"header-hmac","result":"pass"'
  expect_stdout_has '{"name":"credential","result":"pass"'
  expect_stdout_has '{"name":"device-chain-hash","result":"pass"'
  expect_exit 0 "go-fdo ov.pem transfers with mfg_key.pem" -- ownership transfer "$F/go-fdo/ov.pem" \
    --owner-key "$F/go-fdo/mfg_key.pem" --to owner1-p384.pub -o go.ov
  expect_exit 0 "... and the result verifies" -- ownership verify go.ov --device-credential "$F/go-fdo/dc.bin" \
    --manufacturer "$F/go-fdo/mfg_key.pem" --owner owner1-p384.pub
  independent "go-fdo ov.pem transferred" go.ov --manufacturer "$F/go-fdo/mfg_key.pem" --owner owner1-p384.pub
  expect_exit 2 "go-fdo ov.pem (P-384) to a P-256 owner: key type mismatch" -- ownership transfer "$F/go-fdo/ov.pem" \
    --owner-key "$F/go-fdo/mfg_key.pem" --to owner1-p256.pub -o go-bad.ov
  expect_stderr_has "SECP256R1"
  check "nothing written for the mismatch" test ! -e go-bad.ov
  expect_exit 0 "iotonb inspect go-fdo dc.bin (fdo-rs layout)" -- inspect "$F/go-fdo/dc.bin" --format json
  expect_stdout_has '"layout":"fdo-rs"'
  expect_exit 0 "ownership inspect --format diag go-fdo dc.bin" -- ownership inspect "$F/go-fdo/dc.bin" --format diag
  expect_stdout_has "<redacted: device secrets"
  check "no private_key in the diag" bash -c "! grep -q private_key '$OUT'"

  V3="$F/fdo-rs/v101/voucher3"
  sed -n '/-----BEGIN EC PRIVATE KEY-----/,/-----END EC PRIVATE KEY-----/p' "$V3" >v3-owner.key
  check "voucher3's owner key extracted" openssl pkey -in v3-owner.key -noout
  expect_exit 0 "fdo-rs voucher3 transfers with its own owner key" -- ownership transfer "$V3" --owner-key v3-owner.key \
    --to owner1-p256.pub -o v3.ov
  check "the private key block is not copied" bash -c "! grep -q 'PRIVATE KEY' v3.ov"
  expect_exit 0 "... and verifies" -- ownership verify v3.ov --owner owner1-p256.pub
  independent "voucher3 transferred" v3.ov --owner owner1-p256.pub
  expect_exit 0 "fdo-rs voucher2 verifies" -- ownership verify "$F/fdo-rs/v101/voucher2"
  expect_exit 1 "non-owner transfer (voucher2 with voucher3's key)" -- ownership transfer "$F/fdo-rs/v101/voucher2" \
    --owner-key v3-owner.key --to owner1-p256.pub -o v2.ov
  expect_stderr_has "is not the current owner's key"
  check "nothing written for the non-owner" test ! -e v2.ov
  expect_exit 3 "fdo-rs v100 voucher1 (FDO 1.0)" -- ownership verify "$F/fdo-rs/v100/voucher1"
  expect_stderr_has "unsupported protocol version 100"
  expect_exit 3 "fdo-rs v100 voucher1 transfer" -- ownership transfer "$F/fdo-rs/v100/voucher1" --owner-key v3-owner.key \
    --to owner1-p256.pub -o v1.ov
  expect_stderr_has "unsupported protocol version 100"
else
  echo "SKIP: $F has no go-fdo and fdo-rs vectors"
fi

# --- Negative cases -------------------------------------------------------------------------------
expect_exit 1 "non-owner transfer (the manufacturer after the sale)" -- ownership transfer p256.1.ov --owner-key mfg-p256.key \
  --to owner2-p256.pub -o stolen.ov
expect_stderr_has "is not the current owner's key"
check "nothing written" test ! -e stolen.ov
expect_exit 2 "key-type mismatch: a P-384 new owner on a P-256 voucher" -- ownership transfer p256.ov \
  --owner-key mfg-p256.key --to owner1-p384.pub -o mismatch.ov
expect_stderr_has "SECP384R1"
check "nothing written" test ! -e mismatch.ov
"$IOTONB_BIN" -q ownership voucher create --manufacturer-key mfg-p256.key --idevid devices/SN-0003 "${RV[@]}" -o other.ov \
  --credential-out other.dc
expect_exit 1 "another device's credential" -- ownership verify p256.3.ov --device-credential other.dc
expect_stderr_has "p256.3.ov: header-hmac: "
expect_exit 1 "another device's credential does not accept a proof" -- ownership check --device-credential other.dc \
  --voucher p256.3.ov --proof p256.proof --nonce "$NONCE"
expect_stderr_has "header-hmac"
expect_exit 1 "the wrong HMAC secret" -- ownership verify p256.ov --hmac-secret-file <(printf 'not the secret')
expect_stderr_has "header-hmac"
# Raw CBOR: transfer keeps the form; a trailing byte is malformed input.
"$PYTHON3" - p256.1.ov <<'PY'
import base64, re, sys
text = open(sys.argv[1]).read()
body = re.search(r"-----BEGIN OWNERSHIP VOUCHER-----(.*?)-----END OWNERSHIP VOUCHER-----", text, re.S).group(1)
raw = base64.b64decode("".join(body.split()))
open("raw.cbor", "wb").write(raw)
open("trailing.cbor", "wb").write(raw + b"\x00")
open("big.ov", "wb").write(b"\x85\x18\x65" + b"\x00" * (3 << 20))
bad = bytearray(raw); bad[-1] ^= 1
open("bad-signature.cbor", "wb").write(bytes(bad))
PY
expect_exit 0 "verify raw CBOR" -- ownership verify raw.cbor --format json
expect_stdout_has '"form":"cbor"'
expect_exit 0 "transfer raw CBOR" -- ownership transfer raw.cbor --owner-key owner1-p256.key --to owner2-p256.pub -o raw.next
check "raw CBOR in, raw CBOR out" bash -c "head -c 3 raw.next | od -An -tx1 | grep -q '85 18 65'"
independent "raw CBOR transferred" raw.next --owner owner2-p256.pub
expect_exit 3 "trailing byte after a raw CBOR voucher" -- ownership verify trailing.cbor
expect_stderr_has "trailing"
expect_exit 3 "trailing byte (transfer)" -- ownership transfer trailing.cbor --owner-key owner1-p256.key --to owner2-p256.pub \
  -o trailing.next
expect_exit 1 "the last entry's signature damaged" -- ownership verify bad-signature.cbor
expect_stderr_has "bad-signature.cbor: entry[0].signature: "
expect_exit 3 "oversized input" -- ownership verify big.ov
expect_stderr_has "larger than the limit"
expect_exit 3 "oversized input (inspect)" -- ownership inspect big.ov
expect_exit 3 "not a voucher" -- ownership verify ca.crt
expect_exit 3 "ownership inspect: neither voucher nor credential" -- ownership inspect ca.crt
expect_stderr_has "neither an FDO ownership voucher nor a device credential"
expect_exit 2 "a nonce of 8 octets" -- ownership prove --voucher p256.3.ov --owner-key owner3-p256.key --nonce 0011223344556677
expect_exit 2 "--device-credential and --hmac-secret-file together" -- ownership verify p256.ov \
  --device-credential p256.dc --hmac-secret-file p256.dc
# Existing outputs are refused without --force and left unchanged.
before="$(sha256sum p256.2.ov)"
expect_exit 2 "transfer onto an existing output without --force" -- ownership transfer p256.1.ov --owner-key owner1-p256.key \
  --to owner3-p256.pub -o p256.2.ov
expect_stderr_has "exists"
check_eq "the existing file is unchanged" "$(sha256sum p256.2.ov)" "$before"
before="$(sha256sum p256.ov p256.dc)"
expect_exit 2 "create onto an existing voucher without --force" -- ownership voucher create --manufacturer-key mfg-p256.key \
  --idevid devices/SN-0001 "${RV[@]}" -o p256.ov --credential-out new.dc
check "no credential written either" test ! -e new.dc
expect_exit 2 "create onto an existing credential without --force" -- ownership voucher create \
  --manufacturer-key mfg-p256.key --idevid devices/SN-0001 "${RV[@]}" -o new.ov --credential-out p256.dc
check "no voucher written either" test ! -e new.ov
check_eq "the existing voucher and credential are unchanged" "$(sha256sum p256.ov p256.dc)" "$before"
expect_exit 2 "prove onto an existing file without --force" -- ownership prove --voucher p256.3.ov \
  --owner-key owner3-p256.key --nonce "$NONCE" -o p256.1.ov

# --- Batches: create over the minted devices, then transfer the folder ---------------------------
expect_exit 0 "batch create over 3 minted devices" -- ownership voucher create --manufacturer-key mfg-p256.key "${RV[@]}" \
  --batch devices --out-dir batch
expect_stderr_has "manufactured 3 vouchers"
for sn in SN-0001 SN-0002 SN-0003; do
  check "batch/$sn.ov and .dc written" test -f "batch/$sn.ov" -a -f "batch/$sn.dc"
  check_eq "batch/$sn.dc has mode 0600" "$(mode_of "batch/$sn.dc")" 600
done
check_eq "random GUIDs differ" "$(for sn in SN-0001 SN-0002 SN-0003; do
  "$IOTONB_BIN" ownership inspect "batch/$sn.ov" --format json | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["guid"])'
done | sort -u | wc -l)" 3
expect_exit 0 "batch/SN-0002 verifies with its credential" -- ownership verify batch/SN-0002.ov --device-credential batch/SN-0002.dc \
  --manufacturer mfg-p256.pub --format json
expect_stdout_has '"valid":true'
before="$(sha256sum batch/*)"
expect_exit 2 "batch create again without --force" -- ownership voucher create --manufacturer-key mfg-p256.key "${RV[@]}" \
  --batch devices --out-dir batch
expect_stderr_has "exist"
check_eq "the batch outputs are unchanged" "$(sha256sum batch/*)" "$before"
expect_exit 0 "batch transfer of the folder (credentials skipped)" -- ownership transfer --batch batch --out-dir sold \
  --owner-key mfg-p256.key --to owner1-p256.crt
expect_stderr_has "transferred 3 vouchers in 3 of 3 files"
expect_stderr_has "3 other files skipped"
expect_stderr_has "vouchers/s"
for sn in SN-0001 SN-0002 SN-0003; do
  expect_exit 0 "sold/$sn.ov verifies" -- ownership verify "sold/$sn.ov" --device-credential "batch/$sn.dc" \
    --manufacturer mfg-p256.pub --owner owner1-p256.pub
  independent "sold/$sn.ov" "sold/$sn.ov" --hmac-secret-hex "$(secret_hex "batch/$sn.dc")" --owner owner1-p256.pub
done
check "no credential copied" bash -c 'ls sold | grep -qv "\.dc$" && ! ls sold | grep -q "\.dc$"'
# One voucher the key does not own: named, exit 1, the others still written.
mkdir mixed
cp batch/SN-0001.ov batch/SN-0002.ov mixed/
cp p256.1.ov mixed/not-mine.ov
cp raw.cbor mixed/raw-not-mine.cbor
expect_exit 1 "batch transfer with vouchers the key does not own" -- ownership transfer --batch mixed --out-dir mixed-out \
  --owner-key mfg-p256.key --to owner1-p256.pub
expect_stderr_has "mixed/not-mine.ov: "
expect_stderr_has "mixed/raw-not-mine.cbor: "
expect_stderr_has "2 failed"
check "the owned vouchers were written" test -f mixed-out/SN-0001.ov -a -f mixed-out/SN-0002.ov
check "the failed ones were not" test ! -e mixed-out/not-mine.ov -a ! -e mixed-out/raw-not-mine.cbor
before="$(sha256sum sold/*)"
expect_exit 2 "batch transfer again without --force" -- ownership transfer --batch batch --out-dir sold \
  --owner-key mfg-p256.key --to owner2-p256.pub
check_eq "the sold vouchers are unchanged" "$(sha256sum sold/*)" "$before"
expect_exit 0 "batch transfer in place with --force, next sale" -- ownership transfer --batch sold --out-dir sold --force \
  --owner-key owner1-p256.key --to owner2-p256.pub
expect_exit 0 "sold/SN-0003.ov after the second batch sale" -- ownership verify sold/SN-0003.ov \
  --device-credential batch/SN-0003.dc --owner owner2-p256.pub
expect_stdout_has "2 entries"
expect_exit 2 "--batch with a VOUCHER file" -- ownership transfer p256.ov --batch batch --out-dir x --owner-key mfg-p256.key \
  --to owner1-p256.pub
expect_exit 2 "--batch without --out-dir" -- ownership transfer --batch batch --owner-key mfg-p256.key --to owner1-p256.pub
expect_exit 3 "batch transfer of a folder without vouchers" -- ownership transfer --batch devices/SN-0001 --out-dir none \
  --owner-key mfg-p256.key --to owner1-p256.pub

# --- Every voucher file iotonb wrote here, once more through the independent checker ------------------
written=(*.ov raw.next batch/*.ov sold/*.ov mixed-out/*.ov)
for f in "${written[@]}"; do
  [[ "$f" == big.ov ]] && continue  # the oversized input, not a voucher
  independent "$f (sweep)" "$f"
done

# --- Help and docs ----------------------------------------------------------------------------------
expect_exit 0 "ownership --help" -- ownership --help
expect_stdout_has "FIDO Device Onboard 1.1"
expect_exit 0 "ownership verify --help lists the checks" -- ownership verify --help
expect_stdout_has "entry[i].header-info-hash"
expect_exit 2 "a mistyped verb" -- ownership transfr
expect_stderr_has "Did you mean 'transfer'"

finish
