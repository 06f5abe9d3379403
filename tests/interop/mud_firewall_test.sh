#!/bin/bash
# iotonb mud compile against the real firewall tools: the rulesets for the public Luminaire
# vector and a richer MUD file (tests/interop/mud_thermostat.json: every abstraction, port
# operators, ICMP, IPv6, a drop, a name that cannot resolve) must pass `nft -c -f` and
# `iptables-restore --test` / `ip6tables-restore --test` (Debian nftables, iptables); then, in
# network namespaces made here (iproute2), the Luminaire's nftables and iptables rules are
# applied on a router between the "device" and a "peer", and an allowed flow passes while
# forbidden ones are dropped. Parts the machine does not allow (no tools, no privileges) are
# skipped with the reason; when nothing could be checked the script exits 77 (ctest: skipped).
SUITE=mud-firewall
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

V="${IOTONB_VECTORS_DIR:-${IOTONB_SOURCE_DIR:-$INTEROP_DIR/../..}/../shared/vectors}"
SRC="${IOTONB_SOURCE_DIR:-$INTEROP_DIR/../..}"
LUM="$V/mud/Luminaire_150.json"
THERMO="$INTEROP_DIR/mud_thermostat.json"
POLICY="$SRC/examples/mud/local-policy.yaml"
export PATH="$PATH:/usr/sbin:/sbin"
SKIPPED=()
skip() { SKIPPED+=("$*"); echo "SKIP: $*"; }
# check_not DESCRIPTION COMMAND...: counts a failure when the command succeeds.
check_not() {
  local what="$1"
  shift
  CHECKS=$((CHECKS + 1))
  if "$@" >/dev/null 2>&1; then fail "$what"; else pass "$what"; fi
}
[[ -f "$LUM" ]] || { echo "FAIL: the MUD vector $LUM is missing" >&2; exit 1; }

# --- compile: both files, every target, both DNS modes, quarantine ---
cat >thermo-policy.yaml <<'EOF'
controllers: {"urn:ietf:params:mud:coap": [192.168.10.3, "fd00:10::3"]}
my-controller: [192.168.10.5]
local-networks: [192.168.10.0/24, "fd00:10::/64"]
manufacturers: {thermo.example.com: [192.168.10.60], sensors.example.net: [192.168.10.70]}
models: {"https://thermo.example.com/hub": [192.168.10.61]}
dns: {api.thermo.example.com: [203.0.113.10, "2001:db8:10::1"]}
segments: {default: {name: iot, vlan: 100}, quarantine: {name: quarantine, vlan: 999, allow: [{peer: 192.168.10.2, protocol: tcp, dst-port: 443, initiated-by: device}]}}
rules:
  - {action: deny, protocol: tcp, dst-port: 23}
  - {action: allow, peer: dns:time.thermo.example.com, protocol: udp, dst-port: 123, family: ipv4}
EOF
compile() { "$IOTONB_BIN" mud compile "$@"; }
for mode in named-sets resolve; do
  check "Luminaire -> nftables ($mode)" compile "$LUM" --device-ip 192.168.10.50 --device-ip fd00:10::50 \
    --device-mac 02:00:00:00:10:50 --local-policy "$POLICY" --target nftables --dns "$mode" --device-id lum-1 -o "lum-$mode.nft"
done
check "thermostat -> nftables (named sets)" compile "$THERMO" --device-ip 192.168.10.51 --device-ip fd00:10::51 \
  --local-policy thermo-policy.yaml --dns named-sets --device-id th-1 -o th.nft
check "thermostat -> nftables, quarantined" compile "$THERMO" --device-ip 192.168.10.51 --local-policy thermo-policy.yaml \
  --quarantine --device-id th-1 -o th-q.nft
for target in iptables ip6tables; do
  check "Luminaire -> $target" compile "$LUM" --device-ip 192.168.10.50 --device-ip fd00:10::50 --device-mac 02:00:00:00:10:50 \
    --local-policy "$POLICY" --target "$target" --device-id lum-1 -o "lum.$target"
  check "thermostat -> $target" compile "$THERMO" --device-ip 192.168.10.51 --device-ip fd00:10::51 \
    --local-policy thermo-policy.yaml --target "$target" --device-id th-1 -o "th.$target"
done

# The report: segment, each name's handling, the notes.
compile "$THERMO" --device-ip 192.168.10.51 --local-policy thermo-policy.yaml --dns resolve --device-id th-1 \
  --format json -o th-resolve.nft >th.json
check_eq "JSON: segment and VLAN" "$("$PYTHON3" -c 'import json,sys; d=json.load(sys.stdin); print(d["segment"]["name"], d["segment"]["vlan"], d["out"])' <th.json)" "iot 100 th-resolve.nft"
check_eq "JSON: how each name was handled" \
  "$("$PYTHON3" -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(e["name"]+"/"+e["family"]+"="+e["how"] for e in d["dns"]))' <th.json)" \
  "time.thermo.example.com/ipv4=unresolved api.thermo.example.com/ipv4=static gone.thermo.invalid/ipv4=unresolved"
check "JSON: the unresolved accept is reported as left out" grep -q 'mud:th-v4fr/gone (ipv4): left out (denied)' th.json
compile "$LUM" --device-ip 192.168.10.50 --local-policy "$POLICY" --dns named-sets -o lum-text.nft 2>lum.err
check "text: segment on stderr" grep -q '^device: segment iot (VLAN 100)' lum.err
check "text: a named set on stderr" grep -q 'dns: fw-update.luminaire.example.com ipv4: static' lum.err
sed 's/"cache-validity": 48/"cache-validity": 200/' "$LUM" >bad.json
rc=0
compile bad.json --device-ip 10.0.0.1 --local-policy "$POLICY" >/dev/null 2>bad.err || rc=$?
check_eq "an invalid MUD file is refused (no signature is needed, validity is)" "$rc" 3
check "the error names the field" grep -q 'cache-validity' bad.err
rc=0
compile "$LUM" --device-ip 10.0.0.1 --local-policy "$POLICY" -o lum-text.nft >/dev/null 2>&1 || rc=$?
check_eq "an existing --out without --force is a usage error" "$rc" 2

# --- nft -c and iptables-restore --test: unprivileged through a user namespace if need be ---
RAN_TOOLS=0
nft_cmd=()
if command -v nft >/dev/null; then
  printf 'table inet iotonb_probe {\n}\n' >probe.nft
  if nft -c -f probe.nft >/dev/null 2>&1; then nft_cmd=(nft)
  elif unshare -rn nft -c -f probe.nft >/dev/null 2>&1; then nft_cmd=(unshare -rn nft)
  else skip "nft -c is not permitted here (neither as this user nor in a user namespace)"; fi
else
  skip "nft is not installed (Debian package nftables)"
fi
if ((${#nft_cmd[@]})); then
  RAN_TOOLS=1
  for f in lum-named-sets.nft lum-resolve.nft th.nft th-q.nft th-resolve.nft; do
    check "nft -c accepts $f" "${nft_cmd[@]}" -c -f "$f"
  done
  # The check can fail: a ruleset with one rule broken is refused.
  sed 's/tcp dport 443/tcp dport 443 bogus/' th.nft >broken.nft
  check_not "nft -c refuses a broken ruleset" "${nft_cmd[@]}" -c -f broken.nft
fi
ipt_prefix=()
if command -v iptables-restore >/dev/null && command -v ip6tables-restore >/dev/null; then
  printf '*filter\n:IOTONB-PROBE - [0:0]\nCOMMIT\n' >probe.ipt
  if iptables-restore --test probe.ipt >/dev/null 2>&1; then ipt_prefix=(env)
  elif unshare -rn iptables-restore --test probe.ipt >/dev/null 2>&1; then ipt_prefix=(unshare -rn)
  else skip "iptables-restore --test is not permitted here"; fi
else
  skip "iptables-restore is not installed (Debian package iptables)"
fi
if ((${#ipt_prefix[@]})); then
  RAN_TOOLS=1
  for f in lum th; do
    check "iptables-restore --test accepts $f.iptables" "${ipt_prefix[@]}" iptables-restore --test "$f.iptables"
    check "ip6tables-restore --test accepts $f.ip6tables" "${ipt_prefix[@]}" ip6tables-restore --test "$f.ip6tables"
  done
  sed 's/--dport 443/--dport 443 --bogus/' th.iptables >broken.ipt
  check_not "iptables-restore --test refuses a broken ruleset" "${ipt_prefix[@]}" iptables-restore --test broken.ipt
fi

# --- network namespaces: device -- router (the rules) -- peer ---
NS="iotonb-mud-$$"
PIDS=()
cleanup() {
  # ip netns exec may run the listener as its child: stop whatever runs in our namespaces too.
  for n in dev rt peer; do
    for p in $(ip netns pids "$NS-$n" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
  done
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for n in dev rt peer; do ip netns del "$NS-$n" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

in_ns() { local n="$1"; shift; ip netns exec "$NS-$n" "$@"; }
# connect NS HOST PORT: a TCP connection that gets the listener's greeting within 2 s.
connect() {
  in_ns "$1" timeout 5 "$PYTHON3" -c 'import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
sys.exit(0 if s.recv(2) == b"hi" else 1)' "$2" "$3" 2>/dev/null
}
# listen NS PORT...: a greeting TCP server on each port, in the background.
listen() {
  local n="$1"; shift
  in_ns "$n" "$PYTHON3" -c 'import socket, sys, threading
def serve(port):
    s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port)); s.listen()
    while True:
        c, _ = s.accept(); c.sendall(b"hi"); c.close()
for p in sys.argv[1:]:
    threading.Thread(target=serve, args=(int(p),), daemon=True).start()
threading.Event().wait()' "$@" >/dev/null 2>&1 &
  PIDS+=($!)
}

netns_setup() {
  command -v ip >/dev/null || { echo "ip (iproute2) is not installed"; return 1; }
  ip netns add "$NS-dev" 2>/dev/null || { echo "ip netns add is not permitted here (needs root)"; return 1; }
  ip netns add "$NS-rt" && ip netns add "$NS-peer"
  ip link add "md$$" type veth peer name "mdr$$" && ip link add "mp$$" type veth peer name "mpr$$"
  ip link set "md$$" netns "$NS-dev" && ip link set "mdr$$" netns "$NS-rt"
  ip link set "mp$$" netns "$NS-peer" && ip link set "mpr$$" netns "$NS-rt"
  in_ns dev ip addr add 10.77.1.2/24 dev "md$$" && in_ns dev ip link set "md$$" address 02:00:00:00:77:02
  in_ns dev ip link set "md$$" up && in_ns dev ip link set lo up && in_ns dev ip route add default via 10.77.1.1
  in_ns rt ip addr add 10.77.1.1/24 dev "mdr$$" && in_ns rt ip addr add 10.77.2.1/24 dev "mpr$$"
  in_ns rt ip link set "mdr$$" up && in_ns rt ip link set "mpr$$" up && in_ns rt ip link set lo up
  in_ns rt sysctl -qw net.ipv4.ip_forward=1
  in_ns peer ip addr add 10.77.2.2/24 dev "mp$$" && in_ns peer ip link set "mp$$" up && in_ns peer ip link set lo up
  in_ns peer ip route add default via 10.77.2.1
}

# The Luminaire's firmware server (fw-update.luminaire.example.com, tcp 443, device-initiated)
# is the peer; nothing else is allowed.
cat >ns-policy.yaml <<'EOF'
dns: {fw-update.luminaire.example.com: [10.77.2.2]}
my-controller: [10.77.2.3]
local-networks: [10.77.1.0/24]
EOF
if reason="$(netns_setup 2>&1)"; then
  RAN_TOOLS=1
  listen peer 443 8080
  listen dev 443
  for _ in $(seq 50); do connect peer 10.77.2.2 443 && connect dev 10.77.1.2 443 && break; sleep 0.1; done
  check "namespaces: before any rules, device -> peer:8080 passes" connect dev 10.77.2.2 8080
  check "namespaces: before any rules, peer -> device:443 passes" connect peer 10.77.1.2 443

  if ((${#nft_cmd[@]})) && [[ "${nft_cmd[0]}" == nft ]]; then
    check "compile for the namespace device (nftables)" compile "$LUM" --device-ip 10.77.1.2 --device-mac 02:00:00:00:77:02 \
      --local-policy ns-policy.yaml --device-id lum-ns -o ns.nft
    check "nft -f loads the ruleset in the router" in_ns rt nft -f ns.nft
    check "nftables: device -> peer:443 (a MUD accept, device-initiated) passes" connect dev 10.77.2.2 443
    check_not "nftables: device -> peer:8080 (not in the MUD file) is dropped" connect dev 10.77.2.2 8080
    check_not "nftables: peer -> device:443 (the device initiates, never the peer) is dropped" connect peer 10.77.1.2 443
    check "nftables: the default deny counted the dropped packets" grep -q 'counter packets [1-9].*default deny' <(in_ns rt nft list chain inet iotonb_mud dev_lum-ns_from)
    check "nftables: reloading replaces the table" in_ns rt nft -f ns.nft
    check_eq "nftables: one table after the reload" "$(in_ns rt nft list tables | grep -c iotonb_mud)" 1
    in_ns rt nft delete table inet iotonb_mud
  else
    skip "namespaces: nftables part (nft not usable as root here)"
  fi
  if ((${#ipt_prefix[@]})) && [[ "${ipt_prefix[0]}" == env ]]; then
    check "compile for the namespace device (iptables)" compile "$LUM" --device-ip 10.77.1.2 --device-mac 02:00:00:00:77:02 \
      --local-policy ns-policy.yaml --device-id lum-ns --target iptables -o ns.ipt
    check "iptables-restore loads the ruleset in the router" in_ns rt iptables-restore --noflush ns.ipt
    check "iptables: device -> peer:443 passes" connect dev 10.77.2.2 443
    check_not "iptables: device -> peer:8080 is dropped" connect dev 10.77.2.2 8080
    check_not "iptables: peer -> device:443 is dropped" connect peer 10.77.1.2 443
  else
    skip "namespaces: iptables part (iptables-restore not usable as root here)"
  fi
else
  skip "namespaces: $reason"
fi

if ((RAN_TOOLS == 0)); then
  finish
  echo "SKIP: no firewall tool could be run here: ${SKIPPED[*]}"
  exit 77
fi
finish
