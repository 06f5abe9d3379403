#!/bin/bash
# iotonb mud serve from the command line: a manufacturer publishes a MUD file signed after
# the server started, `iotonb mud fetch` (the MUD manager's side) fetches and verifies it over
# the server's TLS, the media types are right, and everything that is not a servable file is
# refused: hidden names, traversal, a symbolic link out of the folder, other extensions, other
# methods, a file larger than a MUD manager takes. Exit codes of the refusals at start-up.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
unsafe=(--no-password --insecure)

"$IOTONB_BIN" ca create --subject 'O=Lamps Inc,CN=Lamps Root' --out-cert root.crt --out-key root.key "${unsafe[@]}" >/dev/null
"$IOTONB_BIN" ca create --profile server --subject 'O=Lamps Inc,CN=localhost' --san IP:127.0.0.1 --san DNS:localhost \
  --parent-cert root.crt --parent-key root.key --out-cert server.crt --out-key server.key "${unsafe[@]}" >/dev/null
"$IOTONB_BIN" ca create --profile masa --subject 'O=Lamps Inc,CN=Lamps MUD Signer' --parent-cert root.crt \
  --parent-key root.key --out-cert signer.crt --out-key signer.key "${unsafe[@]}" >/dev/null
mkdir -p published/mud published/.private
ln -s /etc/passwd published/mud/escape.json
printf '{}' >published/.private/secret.json
printf '{}' >published/mud/notes.txt

"$IOTONB_BIN" mud serve --dir published --tls-cert server.crt --tls-key server.key --port 0 --format json >serve.out 2>serve.err &
pid=$!
for _ in $(seq 50); do [[ -s serve.out ]] && break; sleep 0.1; done
check "serve prints its URL as JSON" grep -q '"service":"mud","url":"https://127.0.0.1:' serve.out
base=$("$PYTHON3" -c 'import json; print(json.load(open("serve.out"))["url"])')
url="$base/mud/lamp.json"

# Published after the server started: files are read at each request.
lamp_mud "$url" >published/mud/lamp.json
"$IOTONB_BIN" mud sign published/mud/lamp.json --key signer.key --cert signer.crt -o published/mud/lamp.p7s

expect_exit 0 "the MUD manager fetches and verifies the published file" -- \
  mud fetch "$url" --trust root.crt --tls-trust root.crt -o got.json
check "the file arrives byte for byte" cmp got.json published/mud/lamp.json
status() { curl -sk --path-as-is -o /dev/null -w '%{http_code} %{content_type}' "$@" || true; }
check_eq "the file is application/mud+json" "$(status "$url")" "200 application/mud+json"
check_eq "its signature is application/pkcs7-signature" "$(status "$base/mud/lamp.p7s")" "200 application/pkcs7-signature"
for path in /.private/secret.json /mud/../.private/secret.json /mud/./lamp.json /mud//lamp.json /mud/escape.json \
  /mud/notes.txt /mud/absent.json /mud/ /; do
  check_eq "GET $path is 404" "$(status "$base$path" | cut -d' ' -f1)" 404
done
check_eq "POST is 405" "$(status -X POST --data x "$url" | cut -d' ' -f1)" 405
head -c 300000 /dev/zero | tr '\0' ' ' >published/mud/huge.json
check_eq "a file larger than a MUD manager takes is 500" "$(status "$base/mud/huge.json" | cut -d' ' -f1)" 500

# A file changed after it was signed is served as it is, and the MUD manager refuses it.
sed -i 's/Test lamp/Tampered lamp/' published/mud/lamp.json
expect_exit 1 "a file changed after signing fails verification at the fetcher" -- \
  mud fetch "$url" --trust root.crt --tls-trust root.crt -o tampered.json
check "nothing written for the refused file" test ! -e tampered.json

port=$("$PYTHON3" -c 'import json; print(json.load(open("serve.out"))["port"])')
expect_exit 4 "a port in use" -- mud serve --dir published --tls-cert server.crt --tls-key server.key --port "$port"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
check_eq "serve stops cleanly on SIGTERM" "$rc" 0

expect_exit 2 "--dir that is not a folder" -- mud serve --dir got.json --tls-cert server.crt --tls-key server.key --port 0
expect_stderr_has "not a folder"
expect_exit 3 "a key that is not the certificate's" -- mud serve --dir published --tls-cert server.crt --tls-key signer.key --port 0
expect_exit 3 "an unreadable certificate" -- mud serve --dir published --tls-cert nope.crt --tls-key server.key --port 0
expect_exit 2 "--dir is required" -- mud serve --tls-cert server.crt --tls-key server.key

finish
