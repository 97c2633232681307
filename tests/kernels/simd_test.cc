#include <catch2/catch.hpp>

#include "grove/errors.h"
#include "kernels/cpu/simd.h"

using namespace grove::cpu_impl;

TEST_CASE("SIMD levels parse and print by name", "[unit]") {
  for (const SimdLevel level :
       {SimdLevel::kScalar, SimdLevel::kSse4_2, SimdLevel::kAvx2, SimdLevel::kAvx512bw}) {
    CHECK(ParseSimdLevel(SimdName(level)) == level);
  }
  CHECK_THROWS_WITH(ParseSimdLevel("avx"), Catch::Contains("expected one of scalar, sse4_2"));
}

TEST_CASE("the active SIMD level never exceeds what the CPU has", "[unit]") {
  CHECK(ActiveSimd() <= DetectSimd());
#if defined(__x86_64__)
  CHECK(DetectSimd() >= SimdLevel::kSse4_2);  // every x86-64 server grove targets has it
#endif
}
