// kernels/cuda/device_error.h — the text of grove's CUDA errors, host-only so that it is built
// and tested in every configuration (cuda_check.cuh turns a failed call into a DeviceError with
// it).
//
//   throw DeviceError(CudaErrorMessage("cudaMalloc(&p, n)", "memory.cu", 42,
//                                      "cudaErrorMemoryAllocation", "out of memory"));
//   // CUDA call `cudaMalloc(&p, n)` failed at memory.cu:42: cudaErrorMemoryAllocation (out of
//   // memory)
#pragma once

#include <string>

namespace grove::cuda_impl {

/// "CUDA call `<expression>` failed at <file>:<line>: <error_name> (<description>)", with a
/// hint for the errors a user can act on (out of memory, no device, no kernel image).
std::string CudaErrorMessage(const char* expression, const char* file, int line,
                             const char* error_name, const char* description);

}  // namespace grove::cuda_impl
