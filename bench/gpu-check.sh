#!/usr/bin/env bash
# bench/gpu-check.sh — everything grove can check on a GPU machine, in one run (< 8 minutes on
# a 16-core box with one GPU). Needs nvcc, CMake, Ninja and the Debian build deps; no internet.
#
#   bash bench/gpu-check.sh [build-dir]          # default build/gpu-check
#
# Steps: configure a Release build for the local GPU's architecture only, build the CUDA tests
# and benchmarks, run the [cuda] tests (each CUDA kernel against its CPU twin), run the CUDA
# kernel benchmarks, and end-to-end GPU vs CPU training runs at 1M and 10M rows x 28 features
# and of the guide's random forest at 1M rows (time and test AUC). Ends with a summary; exits non-zero if any step failed.
# Environment: GROVE_GPU_CHECK_JOBS (build jobs, default nproc), GROVE_E2E_ROUNDS (GPU rounds,
# default 500), GROVE_E2E_SIZES (rows:cpu_rounds pairs, default "1000000:50 10000000:10": the
# CPU runs are shortened and scaled by their time per round, to stay within the time budget),
# GROVE_E2E_CPU_THREADS (default 2), GROVE_E2E_FOREST (rows:gpu_trees:cpu_trees, default
# 1000000:100:10).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build/gpu-check}"
JOBS="${GROVE_GPU_CHECK_JOBS:-$(nproc)}"
LOG_DIR="$BUILD/gpu-check-logs"
START=$(date +%s)
declare -a SUMMARY=()
FAILED=0

note() { printf '\n=== %s (%ds)\n' "$1" "$(( $(date +%s) - START ))"; }
record() { SUMMARY+=("$(printf '%-28s %s' "$1" "$2")"); }
fail() { record "$1" "FAILED: $2"; FAILED=1; }
# The value of train_bench's `name=value` field NAME in LINE (empty when absent).
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

summary() {
  printf '\n=== summary (%ds total)\n' "$(( $(date +%s) - START ))"
  for line in "${SUMMARY[@]}"; do printf '  %s\n' "$line"; done
  [[ -d "$LOG_DIR" ]] && printf '  logs: %s\n' "$LOG_DIR"
}
trap summary EXIT

mkdir -p "$BUILD" "$LOG_DIR"

note "GPU"
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi >/dev/null 2>&1; then
  fail "gpu" "nvidia-smi does not see a GPU"
  exit 1
fi
nvidia-smi --query-gpu=name,compute_cap,memory.total,driver_version --format=csv,noheader | tee "$LOG_DIR/gpu.txt"
# compute_cap "9.0" -> architecture 90; the first GPU decides.
ARCH="$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -n1 | tr -d ' .')"
NVCC="${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
if [[ ! -x "$NVCC" ]]; then
  fail "toolkit" "no nvcc (set CUDACXX or put it on PATH)"
  exit 1
fi
"$NVCC" --version | tail -n2 | tee "$LOG_DIR/nvcc.txt"
record "gpu" "$(head -n1 "$LOG_DIR/gpu.txt"), sm_$ARCH"

note "configure (sm_$ARCH only)"
if ! timeout 180 cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DGROVE_DEVELOPER_MODE=ON -DGROVE_WITH_CUDA=ON -DCMAKE_CUDA_COMPILER="$NVCC" \
    -DCMAKE_CUDA_ARCHITECTURES="$ARCH" >"$LOG_DIR/configure.log" 2>&1; then
  tail -n 30 "$LOG_DIR/configure.log"
  fail "configure" "see configure.log"
  exit 1
fi
record "configure" "ok"

note "build"
TARGETS=(grove_cuda_tests cuda_kernels_bench train_bench)  # only what the steps below run
if ! timeout 300 ninja -C "$BUILD" -j "$JOBS" "${TARGETS[@]}" >"$LOG_DIR/build.log" 2>&1; then
  grep -E "error|FAILED" "$LOG_DIR/build.log" | head -n 40 || tail -n 40 "$LOG_DIR/build.log"
  fail "build" "see build.log"
  exit 1
fi
record "build" "ok ($(( $(date +%s) - START ))s so far)"

note "[cuda] tests"
set +e
timeout 240 "$BUILD/tests/kernels/grove_cuda_tests" "[cuda]" >"$LOG_DIR/cuda_tests.log" 2>&1
rc=$?
set -e
tail -n 40 "$LOG_DIR/cuda_tests.log"
case $rc in
  0) record "[cuda] tests" "passed ($(grep -Eo 'All tests passed.*' "$LOG_DIR/cuda_tests.log" || echo ok))" ;;
  4) fail "[cuda] tests" "skipped: the test binary found no CUDA device" ;;
  124) fail "[cuda] tests" "timed out after 240 s" ;;
  *) fail "[cuda] tests" "exit $rc ($(grep -Eo 'test cases:.*' "$LOG_DIR/cuda_tests.log" | tail -n1))" ;;
esac

note "CUDA kernel benchmarks"
set +e
timeout 150 "$BUILD/bench/cuda_kernels_bench" --benchmark_counters_tabular=true \
  --benchmark_min_time=0.2 >"$LOG_DIR/cuda_bench.log" 2>&1
rc=$?
set -e
cat "$LOG_DIR/cuda_bench.log"
if [[ $rc -eq 0 ]]; then record "kernel benchmarks" "ok (cuda_bench.log)"; else fail "kernel benchmarks" "exit $rc"; fi

note "end to end: GPU vs CPU"
# train_bench synth: the HIGGS-shaped synthetic set made in memory (80/20 train/test split), so
# that 10M rows need no CSV round trip. The CPU runs are shortened (fewer rounds) and use
# GROVE_E2E_CPU_THREADS threads (default 2, the speed goal's baseline); the ratio compares time
# per round, and the CPU's AUC is after its fewer rounds. grove_seconds covers Train (quantizing
# the data once, then the rounds), so a shortened CPU run spreads the quantization over fewer
# rounds: its ms/round is an upper bound, and the ratio leans towards the GPU by that much.
TRAIN="$BUILD/bench/train_bench"
ROUNDS="${GROVE_E2E_ROUNDS:-500}"
CPU_THREADS="${GROVE_E2E_CPU_THREADS:-2}"
COMMON=(eta=0.1 max_depth=8 max_bin=256 objective=binary:logistic eval_metric=auc)
set +e
probe="$(timeout 60 "$TRAIN" synth 2000 28 num_round=2 device=cuda "${COMMON[@]}" 2>&1)"
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
  echo "$probe" | tail -n 3
  fail "end to end" "the engine does not train with device=cuda here (exit $rc)"
else
  # rows:cpu_rounds pairs; override with GROVE_E2E_SIZES="1000000:50 10000000:10".
  for size in ${GROVE_E2E_SIZES:-1000000:50 10000000:10}; do
    rows="${size%%:*}"
    cpu_rounds="${size##*:}"
    set +e
    gpu="$(timeout 240 "$TRAIN" synth "$rows" 28 num_round="$ROUNDS" device=cuda "${COMMON[@]}" 2>&1 | tail -n1)"
    rc_gpu=$?
    cpu="$(timeout 240 "$TRAIN" synth "$rows" 28 num_round="$cpu_rounds" device=cpu \
      nthread="$CPU_THREADS" "${COMMON[@]}" 2>&1 | tail -n1)"
    rc_cpu=$?
    set -e
    echo "$rows rows, GPU, $ROUNDS rounds: $gpu"
    echo "$rows rows, CPU ($CPU_THREADS threads), $cpu_rounds rounds (shortened): $cpu"
    gs="$(field grove_seconds "$gpu")"
    cs="$(field grove_seconds "$cpu")"
    if [[ $rc_gpu -ne 0 || $rc_cpu -ne 0 || -z "$gs" || -z "$cs" ]]; then
      fail "end to end $rows" "gpu exit $rc_gpu, cpu exit $rc_cpu"
      continue
    fi
    ga="$(field grove_auc "$gpu")"
    ca="$(field grove_auc "$cpu")"
    line="$(awk -v g="$gs" -v c="$cs" -v r="$ROUNDS" -v cr="$cpu_rounds" -v ga="$ga" -v ca="$ca" \
      -v t="$CPU_THREADS" 'BEGIN {
        gr = g / r * 1000; cr_ms = c / cr * 1000;
        printf "GPU %.2fs/%d rounds (%.2f ms/round, AUC %s); CPU %d thr %.2fs/%d rounds (%.1f ms/round, AUC %s at %d rounds); per-round speedup %.1fx; CPU scaled to %d rounds: %.0fs",
          g, r, gr, ga, t, c, cr, cr_ms, ca, cr, (gr > 0 ? cr_ms / gr : 0), r, c / cr * r }')"
    echo "$line (CPU ms/round includes its quantization spread over $cpu_rounds rounds)"
    record "end to end $rows x 28" "$line"
  done

  # The guide's random forest (max_depth 15, min_samples_split 5) on the same synthetic set:
  # GROVE_E2E_FOREST="rows:gpu_trees:cpu_trees" (default 1000000:100:10), the CPU run shortened
  # and compared per tree (trees are independent, so time per tree is the fair unit).
  FOREST=(algorithm=random_forest objective=binary:logistic max_depth=15 min_samples_split=5
          random_state=42 eval_metric=auc)
  spec="${GROVE_E2E_FOREST:-1000000:100:10}"
  IFS=: read -r rows gpu_trees cpu_trees <<<"$spec"
  set +e
  gpu="$(timeout 180 "$TRAIN" synth "$rows" 28 n_estimators="$gpu_trees" device=cuda "${FOREST[@]}" 2>&1 | tail -n1)"
  rc_gpu=$?
  cpu="$(timeout 180 "$TRAIN" synth "$rows" 28 n_estimators="$cpu_trees" device=cpu \
    n_jobs="$CPU_THREADS" "${FOREST[@]}" 2>&1 | tail -n1)"
  rc_cpu=$?
  set -e
  echo "forest, $rows rows, GPU, $gpu_trees trees: $gpu"
  echo "forest, $rows rows, CPU ($CPU_THREADS threads), $cpu_trees trees (shortened): $cpu"
  gs="$(field grove_seconds "$gpu")"
  cs="$(field grove_seconds "$cpu")"
  if [[ $rc_gpu -ne 0 || $rc_cpu -ne 0 || -z "$gs" || -z "$cs" ]]; then
    fail "forest $rows" "gpu exit $rc_gpu, cpu exit $rc_cpu"
  else
    ga="$(field grove_auc "$gpu")"
    ca="$(field grove_auc "$cpu")"
    line="$(awk -v g="$gs" -v c="$cs" -v gt="$gpu_trees" -v ct="$cpu_trees" -v ga="$ga" \
      -v ca="$ca" -v t="$CPU_THREADS" 'BEGIN {
        gm = g / gt * 1000; cm = c / ct * 1000;
        printf "GPU %.2fs/%d trees (%.1f ms/tree, AUC %s); CPU %d thr %.2fs/%d trees (%.1f ms/tree, AUC %s); per-tree speedup %.1fx",
          g, gt, gm, ga, t, c, ct, cm, ca, (gm > 0 ? cm / gm : 0) }')"
    echo "$line"
    record "forest $rows x 28" "$line"
  fi
fi

exit $FAILED
