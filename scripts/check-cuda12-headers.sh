#!/usr/bin/env bash
# Compiles every kernels/cuda/*.cu against a CUDA 12 release's headers: its CCCL (Thrust, CUB,
# libcu++) and its runtime API (cuda_runtime.h), taken from NVIDIA's PyPI wheels, with the local
# nvcc, for sm_75 only. For machines whose only toolkit is CUDA 13 (which dropped sm_70, so p3's
# V100 needs CUDA <= 12): it shows that grove's CUDA code uses no CCCL or runtime API that the
# CUDA 12 release lacks or has renamed. It does not run the CUDA 12 compiler itself: a real
# CUDA 12 build (cmake -DCMAKE_CUDA_COMPILER=/usr/local/cuda-12.x/bin/nvcc) remains the proof.
# That compiler cannot be had from the same places: NVIDIA's nvidia-cuda-nvcc-cu12 wheels
# (12.4, 12.6, 12.8, 12.9 looked at) hold ptxas and libnvvm but not the nvcc driver, cudafe++ or
# cicc, and Debian 12's main archive has no CUDA toolkit. It takes NVIDIA's CUDA 12 installer.
#
#   scripts/check-cuda12-headers.sh [12.x ...]     # default: 12.9 12.4
# Releases before 12.4 cannot be checked this way: their CCCL wheels lack libcu++ (or their
# runtime headers lack types nvcc 13's own headers use), so nvcc 13's headers get mixed in.
# Needs python3 -m venv, PyPI, nvcc (CUDA 13 or 12) on PATH or at /usr/local/cuda.
set -euo pipefail
cd "$(dirname "$0")/.."
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
if [[ -z ${WORK:-} ]]; then
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
fi
versions=("$@")
[[ ${#versions[@]} -gt 0 ]] || versions=(12.9 12.4)
failed=0
for v in "${versions[@]}"; do
  venv="$WORK/cu$v"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "nvidia-cuda-cccl-cu12==$v.*" "nvidia-cuda-runtime-cu12==$v.*"
  nvidia=$(echo "$venv"/lib/python3*/site-packages/nvidia)
  cccl="$nvidia/cuda_cccl/include"
  [[ -d $cccl ]] || cccl="$nvidia/cuda_runtime/include"  # older wheels ship CCCL inside
  runtime="$nvidia/cuda_runtime/include"
  cub=$(sed -n 's/^#define CUB_VERSION \([0-9]*\).*/\1/p' "$cccl/cub/version.cuh")
  rt=$(sed -n 's/^#define CUDART_VERSION *\([0-9]*\).*/\1/p' "$runtime/cuda_runtime_api.h")
  echo "CUDA $v headers: CUDART_VERSION $rt, CUB_VERSION $cub"
  for cu in kernels/cuda/*.cu; do
    if "$NVCC" -I"$cccl" -I"$runtime" -I. -Iengine/include -O1 \
        --generate-code=arch=compute_75,code=sm_75 --expt-relaxed-constexpr --fmad=false \
        -std=c++20 -x cu -c "$cu" -o "$WORK/$(basename "$cu").o" \
        > "$WORK/log" 2>&1; then
      echo "  ok      $cu"
    else
      echo "  FAILED  $cu"
      sed 's/^/    /' "$WORK/log" | head -20
      failed=1
    fi
  done
done
exit $failed
