// The CUDA backend's interface in a build without a CUDA compiler.
#include "grove/errors.h"
#include "kernels/cuda/device.h"

namespace grove::cuda_impl {
namespace {

[[noreturn]] void NoCuda() {
  throw InvalidInput(
      "this build has no CUDA support; set device=cpu or rebuild with -DGROVE_WITH_CUDA=ON "
      "on a machine with the CUDA toolkit");
}

}  // namespace

int DeviceCount() { return 0; }
DeviceInfo QueryDevice(int /*ordinal*/) { NoCuda(); }
double DeviceSum(int /*ordinal*/, std::span<const float> /*values*/) { NoCuda(); }

}  // namespace grove::cuda_impl
