# shellcheck shell=bash
# Shared by the CLI behaviour scripts, on top of tests/checks.sh: a clean environment,
# and `expect_exit`, which runs iotonb and records stdout/stderr for the checks that follow.
# Sourced, not run.
SUITE=cli
# shellcheck source=../checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/../checks.sh"
# No configuration or secrets from the caller's environment.
unset IOTONB_CONFIG IOTONB_PASSWORD IOTONB_CA_PASSWORD IOTONB_KEY_PASSWORD IOTONB_KEY_TYPE IOTONB_FORMAT || true

OUT="$WORK/.stdout"
ERR="$WORK/.stderr"

# expect_exit CODE DESCRIPTION -- ARGS...: runs iotonb ARGS (stdin from /dev/null unless the
# caller redirects), stdout in $OUT, stderr in $ERR, and checks the exit code.
expect_exit() {
  local want="$1" what="$2"
  shift 2
  [[ "$1" == "--" ]] && shift
  CHECKS=$((CHECKS + 1))
  local rc=0
  "$IOTONB_BIN" "$@" >"$OUT" 2>"$ERR" || rc=$?
  if [[ "$rc" == "$want" ]]; then
    pass "$what (exit $rc)"
  else
    fail "$what: exit $rc, want $want"
    sed 's/^/    stderr: /' "$ERR" >&2
  fi
}

# expect_stderr_has TEXT / expect_stdout_has TEXT: fixed-string search in the last run's output.
expect_stderr_has() {
  CHECKS=$((CHECKS + 1))
  if grep -qF -- "$1" "$ERR"; then pass "stderr mentions '$1'"; else fail "stderr lacks '$1': $(head -c 300 "$ERR")"; fi
}
expect_stdout_has() {
  CHECKS=$((CHECKS + 1))
  if grep -qF -- "$1" "$OUT"; then pass "stdout has '$1'"; else fail "stdout lacks '$1': $(head -c 300 "$OUT")"; fi
}
expect_stdout_empty() {
  CHECKS=$((CHECKS + 1))
  if [[ ! -s "$OUT" ]]; then pass "stdout is empty"; else fail "stdout is not empty: $(head -c 200 "$OUT")"; fi
}

# is_json FILE: one JSON document, or one per line (JSON Lines) with --lines.
is_json() {
  if [[ "${1:-}" == --lines ]]; then
    "$PYTHON3" -c 'import json,sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
assert lines, "no output"
for l in lines: json.loads(l)' "$2"
  else
    "$PYTHON3" -c 'import json,sys; json.load(sys.stdin)' <"$1"
  fi
}

# A root and an intermediate CA, deterministic validity: 2026-01-01 .. 2030-01-01 (root) and
# .. 2029-01-01 (intermediate).
make_ca_pair() {
  printf 'cli test password\n' >pw
  "$IOTONB_BIN" ca create --subject 'C=US,O=Acme,CN=Acme CLI Root' --now 2026-01-01T00:00:00Z \
    --not-after 2030-01-01T00:00:00Z --out-cert root.crt --out-key root.key --password-file pw >/dev/null
  "$IOTONB_BIN" ca create --profile intermediate --subject 'C=US,O=Acme,CN=Acme CLI IDevID CA' \
    --now 2026-01-01T00:00:00Z --not-after 2029-01-01T00:00:00Z --parent-cert root.crt --parent-key root.key \
    --parent-password-file pw --out-cert ca.crt --out-key ca.key --password-file pw >/dev/null
}

# lamp_mud URL: a valid MUD file (RFC 8520) for a lamp whose mud-url is URL, on stdout: HTTPS
# to its update server, both directions, IPv4.
lamp_mud() {
  cat <<JSON
{
  "ietf-mud:mud": {
    "mud-version": 1,
    "mud-url": "$1",
    "last-update": "2026-11-01T10:00:00+01:00",
    "cache-validity": 48,
    "is-supported": true,
    "systeminfo": "Test lamp",
    "from-device-policy": {"access-lists": {"access-list": [{"name": "from-lamp"}]}},
    "to-device-policy": {"access-lists": {"access-list": [{"name": "to-lamp"}]}}
  },
  "ietf-access-control-list:acls": {
    "acl": [
      {"name": "from-lamp", "type": "ipv4-acl-type", "aces": {"ace": [{"name": "update",
        "matches": {"ipv4": {"ietf-acldns:dst-dnsname": "update.lamps.example.com", "protocol": 6},
                    "tcp": {"destination-port": {"operator": "eq", "port": 443}}},
        "actions": {"forwarding": "accept"}}]}},
      {"name": "to-lamp", "type": "ipv4-acl-type", "aces": {"ace": [{"name": "update",
        "matches": {"ipv4": {"ietf-acldns:src-dnsname": "update.lamps.example.com", "protocol": 6},
                    "tcp": {"source-port": {"operator": "eq", "port": 443}}},
        "actions": {"forwarding": "accept"}}]}}
    ]
  }
}
JSON
}
