// Host-only formatting of CUDA runtime errors (see device_error.h).
#include "kernels/cuda/device_error.h"

#include <cstring>

namespace grove::cuda_impl {
namespace {

// Errors whose cause is outside grove: say what the user can do about them.
const char* Hint(const char* error_name) {
  if (std::strcmp(error_name, "cudaErrorMemoryAllocation") == 0) {
    return "the GPU ran out of memory; use fewer rows or a smaller max_bin, or a GPU with more "
           "memory";
  }
  if (std::strcmp(error_name, "cudaErrorNoDevice") == 0 ||
      std::strcmp(error_name, "cudaErrorInsufficientDriver") == 0) {
    return "no usable CUDA device or driver; check nvidia-smi, or set device=cpu";
  }
  if (std::strcmp(error_name, "cudaErrorNoKernelImageForDevice") == 0 ||
      std::strcmp(error_name, "cudaErrorUnsupportedPtxVersion") == 0) {
    return "this build of grove has no code for this GPU's architecture; rebuild with "
           "-DCMAKE_CUDA_ARCHITECTURES=native";
  }
  return nullptr;
}

}  // namespace

std::string CudaErrorMessage(const char* expression, const char* file, int line,
                             const char* error_name, const char* description) {
  std::string message = std::string("CUDA call `") + expression + "` failed at " + file + ":" +
                        std::to_string(line) + ": " + error_name + " (" + description + ")";
  if (const char* hint = Hint(error_name)) message += std::string("; ") + hint;
  return message;
}

}  // namespace grove::cuda_impl
