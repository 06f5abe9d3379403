#!/usr/bin/env bash
# Quick start on a fresh Debian 12 machine (as root): install what is missing, build, then
#   bash examples/quickstart.sh          run the end-to-end demo (examples/onboarding/onboarding-demo.sh)
#   bash examples/quickstart.sh test     run the whole test suite: the script tests, then the
#                                        unit tests and a short run of every fuzz target under
#                                        ASan+UBSan (this is what CI runs)
set -euo pipefail
mode=${1:-demo}
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

packages=(build-essential cmake ninja-build pkg-config clang-14 libclang-rt-14-dev
  libssl-dev openssl libcbor-dev libcli11-dev libyaml-cpp-dev libpcsclite-dev nlohmann-json3-dev
  libcpp-httplib-dev libsqlite3-dev sqlite3 curl libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-asn1crypto python3-cryptography python3-cbor2 man-db groff-base
  nftables iptables iproute2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "quickstart: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs=$(nproc)
# Line tables are all the debug information a failing test's backtrace needs, and full -g
# costs a fifth of the compile time.
build() {  # build DIR "TARGET..." [cmake options...]
  local dir=$1 targets=$2; shift 2
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" "$@" >/dev/null
  # shellcheck disable=SC2086  # several targets, one word each
  ninja -C "$dir" -j "$jobs" $targets
}

case "$mode" in
  demo)
    build build iotonb-bin -DIOTONB_BUILD_TESTS=OFF -DIOTONB_BUILD_BENCH=OFF -DIOTONB_CLI_COMPILE_OPTIONS=-Og
    IOTONB_BIN="$top/build/iotonb" bash examples/onboarding/onboarding-demo.sh
    ;;
  test)
    # Every test program is compiled once. GCC builds the binary the script tests drive (CLI,
    # interop, examples, docs, end-to-end scripts; libiotonb as shipped, -O2, the command layer
    # at -Og, which halves its build time; no debug information, a quarter of GCC's time here)
    # and the benchmarks, which are only compiled here, never timed. One Clang 14 build with AddressSanitizer and
    # UndefinedBehaviorSanitizer (IOTONB_FUZZ instruments the whole tree with both) builds the
    # GoogleTest programs and every parser's libFuzzer target; -O1 is what the sanitizers'
    # documentation suggests, and compiles a quarter faster than -O2. The GoogleTest programs
    # GCC did not build show up in its ctest list as *_NOT_BUILT, hence the -E.
    build build "script_tests benchmarks" -DIOTONB_BUILD_TESTS=ON -DIOTONB_BUILD_BENCH=ON -DIOTONB_CLI_COMPILE_OPTIONS=-Og \
      -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG"
    ctest --test-dir build --output-on-failure -j "$jobs" -LE unit -E '_NOT_BUILT$'
    build build-fuzz "unit_tests fuzz_targets" -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
      -DIOTONB_FUZZ=ON -DIOTONB_BUILD_BENCH=OFF \
      -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      ctest --test-dir build-fuzz --output-on-failure -j "$jobs" -L unit
    bash tests/fuzz/run_all.sh build-fuzz "${FUZZ_SECONDS:-6}"
    ;;
  *)
    echo "usage: bash examples/quickstart.sh [demo|test]" >&2
    exit 2
    ;;
esac
