// kernels/cpu/simd.h — which SIMD instruction set the CPU kernels use.
//
//   grove::cpu_impl::SimdLevel level = grove::cpu_impl::ActiveSimd();
//   grove::Log(kInfo, fmt::format("CPU kernels use {}", SimdName(level)));
//
// Detected once per process from CPUID (through xsimd). The environment variable
// GROVE_FORCE_SIMD=scalar|sse4_2|avx2|avx512bw lowers it (tests run every level this way);
// asking for a level the CPU lacks is an InvalidInput error rather than a SIGILL later.
#pragma once

#include <string_view>

namespace grove::cpu_impl {

enum class SimdLevel { kScalar = 0, kSse4_2 = 1, kAvx2 = 2, kAvx512bw = 3 };

/// The best level this CPU supports.
SimdLevel DetectSimd();
/// DetectSimd() lowered by GROVE_FORCE_SIMD, computed once and cached.
SimdLevel ActiveSimd();
/// Parses "scalar", "sse4_2", "avx2" or "avx512bw"; throws InvalidInput otherwise.
SimdLevel ParseSimdLevel(std::string_view name);
std::string_view SimdName(SimdLevel level);

}  // namespace grove::cpu_impl
