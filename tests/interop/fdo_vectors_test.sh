#!/bin/bash
# The independent FDO 1.1 voucher checker (check_fdo_voucher.py: Debian's python3-cbor2 +
# python3-cryptography, nothing shared with iotonb) against the public FDO vectors, read in
# place (expected results: ../shared/vectors/README.md section 6), and against mutated copies
# of them in $WORK, so it is shown to fail as well as to pass.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$PYTHON3" -c 'import cbor2, cryptography' 2>/dev/null || { echo "FAIL: $PYTHON3 lacks cbor2 or cryptography" >&2; exit 1; }

V="${IOTONB_VECTORS_DIR:-${IOTONB_SOURCE_DIR:-$INTEROP_DIR/../..}/../shared/vectors}"
F="$V/fdo"
if [[ ! -d "$F/go-fdo" || ! -d "$F/fdo-rs" ]]; then
  echo "SKIP: $V has no fdo/go-fdo and fdo/fdo-rs"
  exit 0
fi
OV="$F/go-fdo/ov.pem"
V2="$F/fdo-rs/v101/voucher2"
V3="$F/fdo-rs/v101/voucher3"
CHECKER=("$PYTHON3" "$INTEROP_DIR/check_fdo_voucher.py")

# expect_ok DESCRIPTION CHECKER-ARGS...
expect_ok() {
  local what="$1"
  shift
  check "$what" "${CHECKER[@]}" "$@"
}

# expect_fail DESCRIPTION TEXT CHECKER-ARGS...: the checker exits 1 and its reason contains TEXT.
expect_fail() {
  local what="$1" want="$2" out rc=0
  shift 2
  out="$("${CHECKER[@]}" "$@" 2>&1)" || rc=$?
  CHECKS=$((CHECKS + 1))
  if [[ $rc -eq 1 && "$out" == *"$want"* ]]; then
    pass "$what"
  else
    fail "$what: exit $rc, said '$out'; want exit 1 naming '$want'"
  fi
}

# The vectors as published
expect_ok "go-fdo/ov.pem (0 entries, SECP384R1, SHA-384 chain hash)" "$OV"
expect_ok "fdo-rs/v101/voucher2 (2 ES256 entries)" "$V2"
expect_ok "fdo-rs/v101/voucher3 (1 ES256 entry)" "$V3"
expect_fail "fdo-rs/v100/voucher1: FDO 1.0 is rejected by version" "unsupported protocol version 100" \
  "$F/fdo-rs/v100/voucher1"

# OVHeaderHMac with the device secret from dc.bin (fdo-rs layout: the secret is an array of uints)
"$PYTHON3" - "$F/go-fdo/dc.bin" >hmac.bin <<'EOF'
import sys
import cbor2
credential = cbor2.loads(open(sys.argv[1], "rb").read())
sys.stdout.buffer.write(bytes(credential[6]["Plain"]["hmac_secret"]))
EOF
check_eq "dc.bin hmac_secret is 32 octets" "$(wc -c <hmac.bin)" 32
expect_ok "ov.pem: OVHeaderHMac (HMAC-SHA384) with dc.bin's secret" "$OV" --hmac-secret-file hmac.bin
secret_hex="$(od -An -tx1 -v hmac.bin | tr -d ' \n')"
flipped_hex="$(printf '%02x' $((0x${secret_hex:0:2} ^ 1)))${secret_hex:2}"
expect_ok "ov.pem: the same secret as --hmac-secret-hex" "$OV" --hmac-secret-hex "$secret_hex"
expect_fail "ov.pem: a secret with one bit flipped fails the HMAC" "OVHeaderHMac (HMAC-SHA384) does not match" \
  "$OV" --hmac-secret-hex "$flipped_hex"

# Expected keys (mfg_key.pem is a SEC1 private key; voucher3 carries its owner's private key)
expect_ok "ov.pem --manufacturer mfg_key.pem" "$OV" --manufacturer "$F/go-fdo/mfg_key.pem"
expect_ok "ov.pem --owner mfg_key.pem (no entries: the owner is OVPubKey)" "$OV" --owner "$F/go-fdo/mfg_key.pem"
expect_fail "voucher2 --manufacturer mfg_key.pem" "manufacturer key does not match OVPubKey" \
  "$V2" --manufacturer "$F/go-fdo/mfg_key.pem"
expect_ok "voucher3 --owner (the EC private key block in voucher3)" "$V3" --owner "$V3"
expect_fail "voucher2 --owner voucher3's key" "owner key does not match the last OVEPubKey" "$V2" --owner "$V3"

# Mutated copies, each aimed at one check
"$PYTHON3" - "$OV" "$V2" <<'EOF'
import base64
import re
import sys
import cbor2

def voucher(path):
    text = open(path, "rb").read()
    body = re.search(rb"-----BEGIN OWNERSHIP VOUCHER-----(.*?)-----END OWNERSHIP VOUCHER-----", text, re.S)
    return bytearray(base64.b64decode(b"".join(body.group(1).split())))

def write_pem(path, blob):
    b64 = base64.b64encode(bytes(blob)).decode()
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    with open(path, "w") as f:
        f.write("-----BEGIN OWNERSHIP VOUCHER-----\n" + "\n".join(lines) + "\n-----END OWNERSHIP VOUCHER-----\n")

ov, v2 = voucher(sys.argv[1]), voucher(sys.argv[2])
open("v2.cbor", "wb").write(v2)
write_pem("v2.pem", v2)

# The voucher ends with its last entry's signature: flip the final octet of s.
bad = bytearray(v2)
bad[-1] ^= 1
open("v2-bad-signature.cbor", "wb").write(bad)
write_pem("v2-bad-signature.pem", bad)

# One octet of OVDevCertChainHash, inside the OVHeader bstr (no secret given, so the HMAC
# that also covers it is not what fails).
chain_hash = cbor2.loads(cbor2.loads(bytes(ov))[1])[5][1]
assert ov.count(chain_hash) == 1
bad = bytearray(ov)
bad[ov.index(chain_hash) + 7] ^= 0x80
write_pem("ov-bad-chain-hash.pem", bad)

# Entry 0's empty unprotected map a0 re-encoded as the indefinite-length bf ff: the same
# decoded value and a still-valid entry 0 signature (the bucket is unsigned), but other bytes
# on the wire, which entry 1's HashPrevEntry covers. A checker that re-encodes would pass it.
entry_start = bytes.fromhex("d28443a10126a0")  # tag 18, [h'a10126', {} ...
assert v2.count(entry_start) == 2
at = v2.index(entry_start) + len(entry_start) - 1
bad = v2[:at] + b"\xbf\xff" + v2[at + 1:]
assert cbor2.loads(bytes(bad)) == cbor2.loads(bytes(v2))
write_pem("v2-indefinite-unprotected.pem", bad)
EOF
expect_ok "voucher2 as raw CBOR" v2.cbor
expect_fail "voucher2, last signature octet flipped (raw CBOR)" "entry 1 signature: signature does not verify (ES256)" \
  v2-bad-signature.cbor
expect_fail "voucher2, last signature octet flipped (PEM)" "entry 1 signature: signature does not verify" \
  v2-bad-signature.pem
expect_fail "ov.pem, one octet of OVDevCertChainHash flipped" "device certificate chain hash (SHA-384) does not match" \
  ov-bad-chain-hash.pem
expect_fail "voucher2, entry 0 re-encoded without changing its value" "entry 1 OVEHashPrevEntry over entry 0 (SHA-256) does not match" \
  v2-indefinite-unprotected.pem

# Several vouchers in one file: all are checked, and a failure names its voucher
cat "$OV" v2.pem >two.pem
expect_ok "ov.pem + voucher2 in one file" two.pem
cat "$OV" v2-bad-signature.pem >two-bad.pem
expect_fail "ov.pem + bad voucher2: voucher 1 is named" "voucher 1: entry 1 signature" two-bad.pem

finish
