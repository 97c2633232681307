// kernels/cuda/cuda_check.cuh — GROVE_CUDA_CHECK: every CUDA runtime call goes through it;
// GROVE_CUDA_CHECK_LAUNCH after every kernel launch (a bad configuration is reported by the
// runtime only through cudaGetLastError).
//
//   GROVE_CUDA_CHECK(cudaMemcpyAsync(d_x, h_x, bytes, cudaMemcpyHostToDevice, stream));
//   MyKernel<<<grid, block, 0, stream>>>(...);
//   GROVE_CUDA_CHECK_LAUNCH("MyKernel");
#pragma once

#include <cuda_runtime.h>

#include "grove/errors.h"
#include "kernels/cuda/device_error.h"

namespace grove::cuda_impl::detail {

[[noreturn]] inline void ThrowCudaError(cudaError_t error, const char* expression, const char* file,
                                        int line) {
  throw DeviceError(
      CudaErrorMessage(expression, file, line, cudaGetErrorName(error), cudaGetErrorString(error)));
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

/// `kernel_name` is a string literal naming the launched kernel in the message.
#define GROVE_CUDA_CHECK_LAUNCH(kernel_name)                                                  \
  do {                                                                                        \
    const cudaError_t grove_cuda_status = cudaGetLastError();                                 \
    if (grove_cuda_status != cudaSuccess) {                                                   \
      ::grove::cuda_impl::detail::ThrowCudaError(grove_cuda_status, "launch of " kernel_name, \
                                                 __FILE__, __LINE__);                         \
    }                                                                                         \
  } while (false)
