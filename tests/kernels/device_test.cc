#include <catch2/catch.hpp>

#include <numeric>
#include <vector>

#include "kernels/cuda/device.h"

using namespace grove::cuda_impl;

TEST_CASE("a CUDA device answers queries", "[cuda]") {
  REQUIRE(DeviceCount() > 0);
  const DeviceInfo info = QueryDevice(0);
  CHECK(!info.name.empty());
  CHECK(info.compute_major >= 7);
  CHECK(info.total_bytes > 0);
  CHECK(info.free_bytes <= info.total_bytes);
}

TEST_CASE("DeviceSum matches the host sum", "[cuda]") {
  std::vector<float> values(1'000'003);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 1000) * 0.25f;
  const double host = std::accumulate(values.begin(), values.end(), 0.0);
  // Every term and partial sum is a multiple of 0.25 below 2^53: exact in double either way.
  CHECK(DeviceSum(0, values) == host);
}
