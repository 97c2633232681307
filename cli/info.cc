// `grove info`: what this build and this machine offer.
#include <cstdio>
#include <thread>

#include <cxxopts.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "grove/context.h"
#include "kernels/cpu/simd.h"
#include "kernels/cuda/device.h"

namespace grove::cli {

int RunInfo(int argc, char** argv) {
  cxxopts::Options options("grove info", "Print the build, the CPU's SIMD level and CUDA devices");
  options.add_options()("h,help", "show this help");
  const auto args = options.parse(argc, argv);
  if (args.count("help")) {
    std::fputs(options.help().c_str(), stdout);
    return 0;
  }
  fmt::print("{}\n", BuildInfo());
  fmt::print("cpu: {} hardware threads, SIMD {} (detected {})\n",
             std::thread::hardware_concurrency(), cpu_impl::SimdName(cpu_impl::ActiveSimd()),
             cpu_impl::SimdName(cpu_impl::DetectSimd()));
  const int devices = cuda_impl::DeviceCount();
  if (!BuiltWithCuda()) {
    fmt::print("cuda: not built (no CUDA compiler was found at configure time)\n");
  } else if (devices == 0) {
    fmt::print("cuda: built in, no usable device on this machine\n");
  }
  for (int ordinal = 0; ordinal < devices; ++ordinal) {
    const cuda_impl::DeviceInfo info = cuda_impl::QueryDevice(ordinal);
    fmt::print("cuda:{}: {} (sm_{}{}, {} SMs, {:.1f} of {:.1f} GiB free)\n", ordinal, info.name,
               info.compute_major, info.compute_minor, info.multiprocessors,
               static_cast<double>(info.free_bytes) / (1 << 30),
               static_cast<double>(info.total_bytes) / (1 << 30));
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace grove::cli
