#include "kernels/cpu/simd.h"

#include <array>
#include <cstdlib>
#include <string>

#include <xsimd/xsimd.hpp>

#include "grove/errors.h"

namespace grove::cpu_impl {
namespace {

constexpr std::array<std::string_view, 4> kNames = {"scalar", "sse4_2", "avx2", "avx512bw"};

SimdLevel ResolveActive() {
  const SimdLevel detected = DetectSimd();
  const char* forced = std::getenv("GROVE_FORCE_SIMD");
  if (forced == nullptr || *forced == '\0') return detected;
  const SimdLevel wanted = ParseSimdLevel(forced);
  if (wanted > detected) {
    throw InvalidInput("GROVE_FORCE_SIMD=" + std::string(forced) +
                       ": this CPU supports at most " + std::string(SimdName(detected)));
  }
  return wanted;
}

}  // namespace

SimdLevel DetectSimd() {
  const auto arch = xsimd::available_architectures();
  if (arch.avx512bw) return SimdLevel::kAvx512bw;
  if (arch.avx2) return SimdLevel::kAvx2;
  if (arch.sse4_2) return SimdLevel::kSse4_2;
  return SimdLevel::kScalar;
}

SimdLevel ActiveSimd() {
  static const SimdLevel level = ResolveActive();
  return level;
}

SimdLevel ParseSimdLevel(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (name == kNames[i]) return static_cast<SimdLevel>(i);
  }
  throw InvalidInput("GROVE_FORCE_SIMD: got \"" + std::string(name) +
                     "\", expected one of scalar, sse4_2, avx2, avx512bw");
}

std::string_view SimdName(SimdLevel level) { return kNames[static_cast<std::size_t>(level)]; }

}  // namespace grove::cpu_impl
