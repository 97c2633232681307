// kernels/common/counter_random.h — the counter-based draws of engine/src/random.h as
// host/device functions, so that a CUDA kernel decides a row sample exactly as the CPU does.
//
//   const double u = CounterUniform(stream_key, row);   // == Random::UniformAt(stream_key, row)
//
// SplitMix64's finaliser (Steele, Lea & Flood 2014): integer operations only, identical on
// every device.
#pragma once

#include <cstdint>

#include "kernels/common/gradient.h"  // GROVE_HOST_DEVICE

namespace grove {

GROVE_HOST_DEVICE inline std::uint64_t CounterMix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// Uniform in [0, 1) for item `index` of the stream `stream_key` (53 random bits).
GROVE_HOST_DEVICE inline double CounterUniform(std::uint64_t stream_key, std::uint64_t index) {
  return static_cast<double>(CounterMix(stream_key ^ CounterMix(index)) >> 11) * 0x1.0p-53;
}

}  // namespace grove
