#!/bin/bash
# iotonb attest from the command line: every verb (create, verify, inspect, appraise, evidence)
# with its formats and documented exit codes, stdin/stdout as -, --force, the PSA vectors, the
# appraisal verdicts a registrar acts on (healthy device affirming, debug enabled
# contraindicated, unknown software version warning, replayed nonce contraindicated), and
# `iotonb inspect` recognising tokens.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
unsafe=(--no-password --insecure)
NONCE=00112233445566778899aabbccddeeff
AT=2026-11-27T10:00:00Z
field() { "$PYTHON3" -c "import json,sys; d=json.load(open('$1')); print($2)"; }

"$IOTONB_BIN" -q key generate -o device.key --public-out device.pub "${unsafe[@]}"
"$IOTONB_BIN" -q key generate -o other.key --public-out other.pub "${unsafe[@]}"
"$IOTONB_BIN" -q key generate --key-type rsa2048 -o rsa.key "${unsafe[@]}"
"$IOTONB_BIN" ca create --subject 'CN=Acme Attestation Root' --now 2026-01-01T00:00:00Z --not-after 2030-01-01T00:00:00Z \
  --out-cert root.crt --out-key root.key "${unsafe[@]}" >/dev/null
"$IOTONB_BIN" ca create --profile client --subject 'CN=device-1' --key device.key --now 2026-01-01T00:00:00Z \
  --not-after 2028-01-01T00:00:00Z --parent-cert root.crt --parent-key root.key --out-cert device.crt >/dev/null
printf 'firmware image v1.4.2\n' >firmware.bin
printf 'config\n' >config.txt
FW="$(sha256sum firmware.bin | cut -c1-64)"
CFG="$(sha256sum config.txt | cut -c1-64)"

cat >claims.yaml <<YAML
ueid: hex:01abababababababababababababababababababababababababababababababab
hwmodel: hex:0102
swname: acme-os
swversion: 1.4.2
dbgstat: disabled
oemboot: true
iat: $AT
exp: 2026-11-27T11:00:00Z
measurements: [{name: firmware, digest: $FW}]
YAML

# --- create ----------------------------------------------------------------------------------
expect_exit 0 "create (cbor to a file)" -- attest create --claims claims.yaml --key device.key --nonce "$NONCE" -o t.cbor
check "the token is tagged COSE_Sign1 (0xd2)" bash -c "[[ \$(head -c1 t.cbor | od -An -tx1 | tr -d ' ') == d2 ]]"
expect_exit 2 "create refuses to overwrite" -- attest create --claims claims.yaml --key device.key -o t.cbor
expect_stderr_has "t.cbor"
expect_exit 0 "create --force" -- attest create --claims claims.yaml --key device.key --nonce "$NONCE" -o t.cbor --force
expect_exit 0 "create --format hex to stdout" -- attest create --claims claims.yaml --key device.key --format hex
cp "$OUT" t.hex
check "hex is one line of hex" grep -qE '^[0-9a-f]+$' t.hex
expect_exit 0 "create --format base64 --kid, claims from stdin" -- attest create --claims - --key device.key --kid d1 \
  --format base64 -o t.b64 <claims.yaml
expect_exit 0 "create with x5chain" -- attest create --claims claims.yaml --key device.key --cert device.crt -o x5.cbor
expect_exit 2 "create: --kid and --cert together" -- attest create --claims claims.yaml --key device.key --cert device.crt --kid x
expect_exit 2 "create: a nonce of 4 octets" -- attest create --claims claims.yaml --key device.key --nonce 00112233
expect_stderr_has "8 to 64 octets"
expect_exit 2 "create: an RSA key" -- attest create --claims claims.yaml --key rsa.key
expect_exit 2 "create: --profile psa2 without the PSA claims" -- attest create --claims claims.yaml --key device.key \
  --profile psa2 --nonce "$NONCE"
expect_stderr_has "psa-client-id"
printf 'dbgstat: sometimes\n' >bad.yaml
expect_exit 3 "create: a bad claim value" -- attest create --claims bad.yaml --key device.key
expect_stderr_has "bad.yaml: dbgstat: \"sometimes\" is not a debug state"
expect_stdout_empty
printf 'measurements:\n  - {name: fw, digest: zz}\n' >bad.yaml
expect_exit 3 "create: a bad digest names its path" -- attest create --claims bad.yaml --key device.key -o never.cbor
expect_stderr_has "measurements[0].digest: not hex"
check "no partial output file" test ! -e never.cbor
cat >psa.yaml <<YAML
ueid: hex:01fa58755f658627ce5460f29b75296713248cae7ad9e2984b90280efcbcb50248
psa-client-id: 3002
psa-lifecycle: 12288
psa-implementation-id: hex:aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd
psa-software-components: [{type: SPE, value: $FW, version: 1.6.0, signer-id: $CFG, desc: SHA256}]
YAML
expect_exit 0 "create --profile psa2" -- attest create --claims psa.yaml --key device.key --profile psa2 --nonce "$NONCE" -o psa.cbor

# --- verify ----------------------------------------------------------------------------------
expect_exit 0 "verify with the key and nonce" -- attest verify t.cbor --key device.pub --nonce "$NONCE" --at "$AT"
expect_stdout_has "t.cbor: OK (eat token, signed by a --key; not checked: nbf)"
expect_exit 0 "verify hex from stdin" -- attest verify - --key device.crt --at "$AT" <t.hex
expect_exit 0 "verify base64" -- attest verify t.b64 --key device.pub --at "$AT"
expect_exit 0 "verify x5chain against the root" -- attest verify x5.cbor --trust root.crt --at "$AT"
expect_stdout_has "signed by CN=device-1"
expect_exit 1 "verify x5chain after the certificate expired" -- attest verify x5.cbor --trust root.crt --at 2029-01-01T00:00:00Z
expect_stderr_has "signer-chain"
expect_exit 1 "verify with the wrong key" -- attest verify t.cbor --key other.pub --at "$AT"
expect_stderr_has "t.cbor: signature: COSE: signature does not verify"
expect_exit 1 "verify with another nonce (replay)" -- attest verify t.cbor --key device.pub --nonce 0000000000000000 --at "$AT"
expect_stderr_has "t.cbor: nonce: nonce $NONCE is not the nonce sent (0000000000000000)"
expect_exit 1 "verify after exp" -- attest verify t.cbor --key device.pub --at 2026-11-27T12:00:00Z
expect_stderr_has "t.cbor: exp: expired at 2026-11-27T11:00:00Z"
expect_exit 1 "verify before iat" -- attest verify t.cbor --key device.pub --at 2026-11-27T09:00:00Z
expect_stderr_has "t.cbor: iat:"
expect_exit 0 "verify --format json" -- attest verify t.cbor --key device.pub --nonce "$NONCE" --at "$AT" --format json
cp "$OUT" v.json
check "verify json" is_json v.json
check_eq "json lists every check" "$(field v.json '",".join(c["name"] for c in d["checks"])')" "claims,signature,signer-chain,nonce,iat,nbf,exp"
check_eq "json valid" "$(field v.json 'd["valid"]')" "True"
expect_exit 1 "verify --format json still lists the checks on failure" -- attest verify t.cbor --key other.pub --at "$AT" --format json
cp "$OUT" vf.json
check_eq "json: signature failed" "$(field vf.json '[c["result"] for c in d["checks"] if c["name"]=="signature"][0]')" "fail"
expect_exit 2 "verify without --key or --trust" -- attest verify t.cbor
expect_exit 2 "verify: --at that is not a time" -- attest verify t.cbor --key device.pub --at yesterday
head -c 40 t.cbor >cut.cbor
expect_exit 3 "verify a truncated token" -- attest verify cut.cbor --key device.pub
expect_stderr_has "cut.cbor: CBOR:"
cat t.cbor t.cbor >twice.cbor
expect_exit 3 "verify a token with trailing bytes" -- attest verify twice.cbor --key device.pub
expect_stderr_has "trailing"
expect_exit 3 "verify a file that is no token" -- attest verify claims.yaml --key device.pub
expect_exit 3 "verify a missing file" -- attest verify missing.cbor --key device.pub

# --- inspect ---------------------------------------------------------------------------------
expect_exit 0 "inspect text" -- attest inspect t.cbor
expect_stdout_has "dbgstat: disabled"
expect_stdout_has "swversion: 1.4.2"
expect_exit 0 "inspect json" -- attest inspect t.cbor --format json
cp "$OUT" i.json
check_eq "inspect json: alg" "$(field i.json 'd["alg"]')" "ES256"
check_eq "inspect json: measurement name" "$(field i.json 'd["claims"]["measurements"][0]["type"]')" "firmware"
check_eq "inspect json: iat" "$(field i.json 'd["claims"]["iat"]')" "$AT"
expect_exit 0 "inspect diag" -- attest inspect t.cbor --format diag
expect_stdout_has "18(["
expect_stdout_has "263: 1"
expect_exit 0 "inspect two tokens, one from stdin" -- attest inspect t.cbor - --format json <t.b64
check_eq "inspect: one object per token" "$(wc -l <"$OUT")" 2
expect_exit 3 "inspect: a bad second file leaves no output" -- attest inspect t.cbor cut.cbor
expect_stdout_empty
expect_exit 0 "inspect psa2" -- attest inspect psa.cbor --format json
cp "$OUT" p.json
check_eq "psa2 profile" "$(field p.json 'd["profile"]')" "psa2"
expect_exit 0 "iotonb inspect recognises a token" -- inspect t.cbor --format json
cp "$OUT" gi.json
check_eq "iotonb inspect: type" "$(field gi.json 'd["type"]')" "eat"
expect_exit 0 "iotonb inspect recognises hex" -- inspect t.hex
expect_stdout_has "type: eat"

V="${IOTONB_VECTORS_DIR:-}"
if [[ -n "$V" && -d "$V/eat/psa" ]]; then
  for t in psa-2_0_0_sign1.bin psa-iot-1_sign1.bin; do
    expect_exit 0 "verify the $t vector" -- attest verify "$V/eat/psa/$t" --key "$V/eat/psa/public.pem" --at "$AT" \
      --nonce "hex:$(printf '0%.0s' $(seq 128))"
  done
  expect_exit 0 "inspect the psa-iot-1 vector" -- attest inspect "$V/eat/psa/psa-iot-1_sign1.bin" --format json
  cp "$OUT" p1.json
  check_eq "psa1 profile" "$(field p1.json 'd["profile"]')" "psa1"
  check_eq "psa1 client id" "$(field p1.json 'd["claims"]["psa1-client-id"]')" "3002"
  expect_exit 1 "the PSA vector does not verify with another key" -- attest verify "$V/eat/psa/psa-2_0_0_sign1.bin" --key device.pub
fi

# --- evidence and appraise -------------------------------------------------------------------
cat >device.yaml <<YAML
claims:
  ueid: hex:01abababababababababababababababababababababababababababababababab
  hwmodel: hex:0102
  swname: acme-os
  swversion: 1.4.2
  dbgstat: disabled-permanently
  oemboot: true
measure:
  - {name: firmware, file: firmware.bin}
  - {name: config, file: config.txt}
YAML
cat >policy.yaml <<YAML
hwmodel: hex:0102
swversions: [1.4.1, 1.4.2]
measurements:
  - {name: firmware, digest: $FW}
  - {name: config, digest: $CFG}
dbgstat: disabled
oemboot: true
max_age: 5m
YAML
expect_exit 0 "evidence" -- attest evidence --device device.yaml --key device.key --nonce "$NONCE" --now "$AT" -o ev.cbor
expect_exit 2 "evidence needs --nonce" -- attest evidence --device device.yaml --key device.key
sed 's/config.txt/nope.txt/' device.yaml >nope.yaml
expect_exit 3 "evidence: a listed file is missing" -- attest evidence --device nope.yaml --key device.key --nonce "$NONCE"
expect_stderr_has "nope.txt"
expect_exit 0 "healthy device: affirming" -- attest appraise ev.cbor --policy policy.yaml --key device.pub --nonce "$NONCE" --at "$AT"
expect_stdout_has "ev.cbor: affirming"
expect_stdout_has "measurements: affirming (2 digests in the reference list)"
expect_exit 0 "appraise --format json" -- attest appraise ev.cbor --policy policy.yaml --key device.pub --nonce "$NONCE" \
  --at "$AT" --format json
cp "$OUT" a.json
check_eq "json verdict" "$(field a.json 'd["verdict"]')" "affirming"
check_eq "json rules" "$(field a.json '",".join(c["claim"] for c in d["claims"])')" "hwmodel,swversion,measurements,dbgstat,oemboot,iat"

sed 's/dbgstat: disabled-permanently/dbgstat: enabled/' device.yaml >debug.yaml
"$IOTONB_BIN" attest evidence --device debug.yaml --key device.key --nonce "$NONCE" --now "$AT" -o debug.cbor
expect_exit 1 "debug enabled: contraindicated" -- attest appraise debug.cbor --policy policy.yaml --key device.pub \
  --nonce "$NONCE" --at "$AT" --format json
cp "$OUT" d.json
check_eq "debug verdict" "$(field d.json 'd["verdict"]')" "contraindicated"
expect_stderr_has "debug.cbor: contraindicated: dbgstat: debug is enabled"

# A radio module in debug mode behind a healthy main module (RFC 9711 submods).
sed 's/^  oemboot: true/  oemboot: true\n  submods:\n    radio:\n      dbgstat: enabled/' device.yaml >radio.yaml
"$IOTONB_BIN" attest evidence --device radio.yaml --key device.key --nonce "$NONCE" --now "$AT" -o radio.cbor
expect_exit 1 "a submodule in debug mode: contraindicated" -- attest appraise radio.cbor --policy policy.yaml \
  --key device.pub --nonce "$NONCE" --at "$AT"
expect_stdout_has "radio.cbor: contraindicated"
expect_stdout_has "submods.radio.dbgstat: contraindicated (debug is enabled)"
expect_stdout_has "dbgstat: affirming (disabled-permanently)"

sed 's/swversion: 1.4.2/swversion: 1.5.0-beta/' device.yaml >beta.yaml
"$IOTONB_BIN" attest evidence --device beta.yaml --key device.key --nonce "$NONCE" --now "$AT" -o beta.cbor
expect_exit 1 "unknown software version: warning" -- attest appraise beta.cbor --policy policy.yaml --key device.pub \
  --nonce "$NONCE" --at "$AT"
expect_stdout_has "beta.cbor: warning"
expect_stdout_has "swversion: warning (software version 1.5.0-beta is not in the allowed list (quarantine))"

expect_exit 1 "replayed token (old nonce): contraindicated" -- attest appraise ev.cbor --policy policy.yaml \
  --key device.pub --nonce ffeeddccbbaa99887766554433221100 --at "$AT"
expect_stdout_has "nonce: contraindicated"
expect_exit 1 "stale evidence: contraindicated" -- attest appraise ev.cbor --policy policy.yaml --key device.pub \
  --at 2026-11-27T10:30:00Z
expect_stdout_has "iat: contraindicated"
printf 'firmware image v1.4.2 (patched)\n' >firmware.bin
"$IOTONB_BIN" attest evidence --device device.yaml --key device.key --nonce "$NONCE" --now "$AT" -o patched.cbor
expect_exit 1 "changed firmware: contraindicated" -- attest appraise patched.cbor --policy policy.yaml --key device.pub --at "$AT"
expect_stderr_has "contraindicated: measurements: not in the reference list: firmware"
expect_exit 1 "a signature by another key: contraindicated" -- attest appraise ev.cbor --policy policy.yaml --key other.pub --at "$AT"
expect_stderr_has "contraindicated: signature"
printf 'colour: red\n' >badpolicy.yaml
expect_exit 3 "appraise: a bad policy" -- attest appraise ev.cbor --policy badpolicy.yaml --key device.pub
expect_stderr_has "badpolicy.yaml: colour: unknown policy key"
expect_exit 2 "appraise needs --policy" -- attest appraise ev.cbor --key device.pub

# --- help ------------------------------------------------------------------------------------
expect_exit 0 "attest --help" -- attest --help
expect_stdout_has "evidence"
expect_exit 2 "a mistyped verb" -- attest verfy t.cbor
expect_stderr_has "verify"

finish
