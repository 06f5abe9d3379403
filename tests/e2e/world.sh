# shellcheck shell=bash
# An onboarding world for the end-to-end shell tests, made and run with the iotonb command
# line only: manufacturer CA and MASA certificates, owner domain CA and registrar
# certificate, `count` devices sold to the owner, masa.yaml and registrar.yaml, and the two
# servers started on free loopback ports (stopped when the test exits). Sourced after
# tests/checks.sh, inside $WORK.
SERVER_PIDS=()
stop_servers() {
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  SERVER_PIDS=()
}
trap 'stop_servers; rm -rf "$WORK"' EXIT

# start_server NAME: `iotonb NAME serve --config NAME.yaml` in the background; its URL is
# then in ${NAME}_url. The server's pid is the last of SERVER_PIDS.
start_server() {
  local name=$1
  rm -f "$name.out"
  "$IOTONB_BIN" "$name" serve --config "$name.yaml" >"$name.out" 2>>"$name.log" &
  SERVER_PIDS+=("$!")
  for _ in $(seq 200); do
    if [[ -s $name.out ]]; then
      printf -v "${name}_url" '%s' "$(sed -n '1s/.* on //p' "$name.out")"
      return
    fi
    sleep 0.05
  done
  cat "$name.log" >&2
  return 1
}

# make_world COUNT: everything above but the servers, devices EXD-000001.. in devices/.
make_world() {
  local count=$1 k=(--no-password --insecure)
  "$IOTONB_BIN" ca create --subject 'O=Example Devices,CN=Example Devices Root CA' --out-cert maker.crt --out-key maker.key "${k[@]}" >/dev/null
  "$IOTONB_BIN" ca create --profile masa --subject 'O=Example Devices,CN=MASA' --parent-cert maker.crt --parent-key maker.key \
    --out-cert masa.crt --out-key masa.key "${k[@]}" >/dev/null
  "$IOTONB_BIN" ca create --profile server --subject 'CN=localhost' --san IP:127.0.0.1 --parent-cert maker.crt \
    --parent-key maker.key --out-cert masa-tls.crt --out-key masa-tls.key "${k[@]}" >/dev/null
  "$IOTONB_BIN" ca create --subject 'O=Example Owner,CN=Domain CA' --out-cert domain-ca.crt --out-key domain-ca.key "${k[@]}" >/dev/null
  "$IOTONB_BIN" ca create --profile registrar --subject 'O=Example Owner,CN=registrar' --san IP:127.0.0.1 \
    --parent-cert domain-ca.crt --parent-key domain-ca.key --out-cert registrar.crt --out-key registrar.key "${k[@]}" >/dev/null
  printf '%s\n' 'listen: {address: 127.0.0.1, port: 0}' 'tls: {cert: masa-tls.crt, key: masa-tls.key}' \
    'voucher-signer: {cert: masa.crt, key: masa.key}' 'manufacturer-trust: maker.crt' 'store: masa.sqlite' >masa.yaml
  start_server masa
  "$IOTONB_BIN" idevid mint --ca-cert maker.crt --ca-key maker.key --count "$count" --serial-format 'EXD-{:06}' \
    --masa-url "${masa_url#https://}" --out-dir devices --no-progress >/dev/null
  "$IOTONB_BIN" supply-chain purchase --manufacturer-key maker.key --manufacturer-cert maker.crt --owner 'Example Owner' \
    --domain-ca domain-ca.crt --devices devices -o purchase.p7 >/dev/null
  "$IOTONB_BIN" masa claim --purchase purchase.p7 --config masa.yaml >/dev/null
  printf '%s\n' 'listen: {address: 127.0.0.1, port: 0}' 'tls: {cert: registrar.crt, key: registrar.key}' \
    'domain-ca: {cert: domain-ca.crt, key: domain-ca.key}' 'manufacturer-trust: maker.crt' 'masa: {trust: maker.crt}' \
    'store: registrar.sqlite' 'network: {network-id: example-iot, segment: sensors}' >registrar.yaml
  "$IOTONB_BIN" registrar allow --purchase purchase.p7 --config registrar.yaml >/dev/null
}
