#!/usr/bin/env bash
set -euo pipefail
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
PATH=$(dirname "$IOTONB_BIN"):$PATH IOTONB_BIN=$IOTONB_BIN bash "$IOTONB_SOURCE_DIR/examples/factory-line/factory-line.sh" "$work"
n=$(find "$work/line2" -mindepth 1 -maxdepth 1 -type d ! -name '.*' | wc -l)
[ "$n" -eq 2000 ] || { echo "line2 has $n device folders, expected 2000"; exit 1; }
[ "$(wc -l < "$work/line1.jsonl")" -eq 6 ] || { echo "line1.jsonl should list 6 devices"; exit 1; }
echo "factory line OK"
