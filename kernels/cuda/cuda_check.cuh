// kernels/cuda/cuda_check.cuh — GROVE_CUDA_CHECK: every CUDA runtime call goes through it.
#pragma once

#include <cuda_runtime.h>

#include <string>

#include "grove/errors.h"

namespace grove::cuda_impl::detail {

[[noreturn]] inline void ThrowCudaError(cudaError_t error, const char* expression,
                                        const char* file, int line) {
  throw DeviceError(std::string("CUDA call `") + expression + "` failed at " + file + ":" +
                    std::to_string(line) + ": " + cudaGetErrorName(error) + " (" +
                    cudaGetErrorString(error) + ")");
}

}  // namespace grove::cuda_impl::detail

#define GROVE_CUDA_CHECK(expression)                                                       \
  do {                                                                                     \
    const cudaError_t grove_cuda_status = (expression);                                    \
    if (grove_cuda_status != cudaSuccess) {                                                \
      ::grove::cuda_impl::detail::ThrowCudaError(grove_cuda_status, #expression, __FILE__, \
                                                 __LINE__);                                \
    }                                                                                      \
  } while (false)
