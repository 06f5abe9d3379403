#!/usr/bin/env bash
# Runs examples/ci-fixtures/make-fixtures.sh twice and requires identical certificates.
set -euo pipefail
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
script=$IOTONB_SOURCE_DIR/examples/ci-fixtures/make-fixtures.sh
bash "$script" "$work/a"
bash "$script" "$work/b"
files=$(cd "$work/a" && find . -name '*.crt' -o -name '*.csr' -o -name '*.pem' | sort)
[ "$(echo "$files" | wc -l)" -eq 10 ] || { echo "expected 10 fixture files (4 CA/service certificates, 2 CSRs, 2 devices × certificate and chain), got: $files"; exit 1; }
for f in $files; do
  cmp "$work/a/$f" "$work/b/$f" || { echo "fixture $f differs between runs"; exit 1; }
done
openssl verify -CAfile "$work/a/root.crt" -untrusted "$work/a/idevid-ca.crt" "$work/a"/devices/*/idevid.crt
echo "fixtures are byte-stable: $(echo "$files" | wc -l) files"
