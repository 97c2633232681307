// grove/context.h — where and how a computation runs: device, threads, seed.
//
//   grove::Context ctx;                          // cpu, all cores, seed 0
//   ctx.device = grove::Device::Parse("cuda:1"); // throws InvalidInput on "gpu", "cuda:x", ...
//   ctx.nthread = 4;
//
// Passed first, as `const Context&`, to every kernel and training call. Plain data; copying is
// cheap. It deliberately holds no CUDA or TBB types (they are owned by the backends).
// Header-only apart from Parse/BuildInfo, so that kernels/ can use it without the engine.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

namespace grove {

struct Device {
  enum class Kind { kCpu, kCuda };
  Kind kind = Kind::kCpu;
  int ordinal = 0;  ///< CUDA device number; 0 for the CPU.

  bool IsCpu() const { return kind == Kind::kCpu; }
  bool IsCuda() const { return kind == Kind::kCuda; }
  /// "cpu", "cuda" (= cuda:0) or "cuda:N". Throws InvalidInput naming the accepted forms.
  static Device Parse(std::string_view text);
  /// "cpu" or "cuda:N".
  std::string ToString() const {
    return IsCpu() ? std::string("cpu") : "cuda:" + std::to_string(ordinal);
  }
  friend bool operator==(const Device&, const Device&) = default;
};

struct Context {
  Device device;
  int nthread = 0;     ///< Worker threads; 0 = all hardware threads.
  uint64_t seed = 0;   ///< Seed for every random choice made under this context.

  /// nthread resolved: the hardware concurrency when 0.
  int Threads() const {
    if (nthread > 0) return nthread;
    const unsigned hardware = std::thread::hardware_concurrency();
    return hardware == 0 ? 1 : static_cast<int>(hardware);
  }
};

/// True when this build of grove includes the CUDA backend.
bool BuiltWithCuda();

/// Version and build description, e.g. "grove 0.1.0 (Release, CUDA 13.0, gcc 12.2)".
std::string BuildInfo();

}  // namespace grove
