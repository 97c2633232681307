// kernels/cuda/device.h — the CUDA backend's device queries (host-callable from any build).
//
//   if (grove::cuda_impl::DeviceCount() > 0) {
//     grove::cuda_impl::DeviceInfo info = grove::cuda_impl::QueryDevice(0);
//     // info.name, info.compute_major, info.free_bytes ...
//   }
//
// In a build without CUDA (cuda_stub.cc) DeviceCount() is 0 and every other call throws
// InvalidInput("this build has no CUDA support; ..."). CUDA runtime failures throw DeviceError
// naming the call, file and line.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace grove::cuda_impl {

struct DeviceInfo {
  int ordinal = 0;
  std::string name;
  int compute_major = 0;
  int compute_minor = 0;
  int multiprocessors = 0;
  std::size_t total_bytes = 0;
  std::size_t free_bytes = 0;
};

/// Number of usable CUDA devices; 0 when the build, the driver or the machine has none.
int DeviceCount();
DeviceInfo QueryDevice(int ordinal);

/// Sums `values` on device `ordinal` with a CUB reduction (a toolchain round trip: host to
/// device copy, kernel, device to host copy). Returns the sum in double precision.
double DeviceSum(int ordinal, std::span<const float> values);

}  // namespace grove::cuda_impl
