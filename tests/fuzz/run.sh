#!/usr/bin/env bash
# Fuzzes the rootfs plan decoder, then the C init's program decoder, under ASan and UBSan: tests/fuzz/run.sh [ITERATIONS] [RNG_SEED]
# (default 1000000). Seeds are real plans compiled by C# (tests/fuzz/seeds; RootfsPlanCompilerTests rewrites them
# with JAULA_WRITE_FUZZ_SEEDS=1). Any crash, sanitizer report or hang fails the script.
set -euo pipefail
cd "$(dirname "$0")/../.."
iterations=${1:-1000000}
rng=${2:-$(date +%s)}
cc=${CC:-$(command -v clang || command -v gcc)}
out=$(mktemp -d /tmp/jaula-fuzz.XXXXXX)
trap 'rm -rf "$out"' EXIT
native=src/Jaula.Linux/native
"$cc" -std=c11 -O1 -g -D_GNU_SOURCE -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
  -I "$native" tests/fuzz/rootfs_plan_fuzz.c "$native/rootfs_plan_decode.c" -o "$out/rootfs_plan_fuzz"
echo "rootfs plan fuzz: $iterations plans, rng seed $rng"
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$out/rootfs_plan_fuzz" tests/fuzz/seeds "$iterations" "$rng"
# The C init's program decoder (with the two plan decoders it calls), on programs from tests/fuzz/init-seeds.
"$cc" -std=c11 -O1 -g -D_GNU_SOURCE -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
  -I "$native" tests/fuzz/init_program_fuzz.c "$native/c_init_decode.c" "$native/rootfs_plan_decode.c" "$native/final_phase.c" \
  -o "$out/init_program_fuzz"
echo "init program fuzz: $iterations programs, rng seed $rng"
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$out/init_program_fuzz" tests/fuzz/init-seeds "$iterations" "$rng"
