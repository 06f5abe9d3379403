#!/usr/bin/env bash
# Runs every libFuzzer target in a build folder for a short time each (CI's smoke run; a
# real campaign runs one target for hours). Seeds come from the public vectors where they
# fit and from tests/fuzz/seeds/NAME/; new inputs go to a scratch corpus, never into either.
#   bash tests/fuzz/run_all.sh BUILD_DIR [SECONDS_PER_TARGET]
# Exits 1 naming every target that found a crash, leak or timeout; the input that did it is
# kept in BUILD_DIR/fuzz-findings/ (re-run it with: BUILD_DIR/tests/fuzz/fuzz_NAME FILE).
set -uo pipefail
build=${1:?usage: run_all.sh BUILD_DIR [SECONDS]}
seconds=${2:-10}
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vectors=${IOTONB_VECTORS_DIR:-$top/../shared/vectors}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/iotonb-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
findings=$build/fuzz-findings
mkdir -p "$findings"

seeds_for() {  # the vector folders that hold inputs of this target's kind
  case $1 in
    cbor | cose | voucher) echo "$vectors/brski/cbrski-cose $vectors/eat" ;;
    eat_token) echo "$vectors/eat $vectors/cose" ;;
    cms | voucher_json | jose | est_codec | purchase_record | status_telemetry) echo "$vectors/brski/rfc8995" ;;
    certificate | pem | der | key | csr) echo "$vectors/brski/rfc8995" ;;
    ownership_voucher) echo "$vectors/fdo/go-fdo $vectors/fdo/fdo-rs/v101 $vectors/fdo/fdo-rs/v100" ;;
    mud_file) echo "$vectors/mud $top/examples/mud" ;;
    mud_spec) echo "$top/examples/mud" ;;
    mud_local_policy) echo "$top/examples/mud" ;;
    *) ;;
  esac
  # Inputs no public vector has (an EST body, a purchase record's JSON), kept in the tree.
  echo "$top/tests/fuzz/seeds/$1"
}

failed=()
for fuzzer in "$build"/tests/fuzz/fuzz_*; do
  [[ -x $fuzzer ]] || continue
  name=${fuzzer##*/fuzz_}
  corpus=$scratch/$name
  mkdir -p "$corpus"
  seeds=()
  for d in $(seeds_for "$name"); do [[ -d $d ]] && seeds+=("$d"); done
  if "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$findings/$name-" "$corpus" "${seeds[@]}" >"$scratch/$name.log" 2>&1; then
    echo "fuzz_$name: $(grep -o 'Done [0-9]* runs' "$scratch/$name.log" | tail -n1), nothing found"
  else
    failed+=("fuzz_$name")
    echo "fuzz_$name: FAILED" >&2
    tail -n 40 "$scratch/$name.log" >&2
  fi
done
if ((${#failed[@]})); then
  echo "fuzz targets with findings: ${failed[*]}" >&2
  exit 1
fi
