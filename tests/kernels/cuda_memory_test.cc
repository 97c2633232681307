// [cuda] device memory, guards and error reporting on a real device.
#include <catch2/catch.hpp>

#include <numeric>
#include <string>
#include <vector>

#include "grove/errors.h"
#include "kernels/cuda/device.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/kernels.h"
#include "kernels/cuda/memory_estimate.h"

using namespace grove;
using namespace grove::cuda_impl;
using Catch::Matchers::Contains;

TEST_CASE("DeviceBuffer round-trips data and moves ownership", "[cuda]") {
  std::vector<std::uint32_t> host(100'001);
  std::iota(host.begin(), host.end(), 7U);
  auto d = DeviceBuffer<std::uint32_t>::FromHost(std::span<const std::uint32_t>(host));
  CHECK(d.ToHost() == host);
  DeviceBuffer<std::uint32_t> moved = std::move(d);
  CHECK(d.data() == nullptr);  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  CHECK(moved.size() == host.size());
  CHECK(moved.ToHost() == host);
}

TEST_CASE("DeviceGuard restores the current device", "[cuda]") {
  const int before = CurrentDevice();
  {
    const DeviceGuard guard(DeviceCount() - 1);
    CHECK(CurrentDevice() == DeviceCount() - 1);
  }
  CHECK(CurrentDevice() == before);
}

TEST_CASE("a failing CUDA call becomes a DeviceError naming the call and place", "[cuda]") {
  const float value = 1.0f;
  try {
    CopyToDevice(nullptr, &value, sizeof(value));  // a null destination is invalid
    FAIL("expected DeviceError");
  } catch (const DeviceError& e) {
    CHECK_THAT(std::string(e.what()), Contains("cudaMemcpy") && Contains("memory.cu:"));
  }
}

TEST_CASE("a job larger than the device is refused before training", "[cuda]") {
  TrainingShape shape;
  shape.rows = std::uint64_t{1} << 40;  // far beyond any GPU
  shape.features = 28;
  shape.total_bins = 28 * 256;
  try {
    RequireDeviceMemory(0, EstimateTrainingMemory(shape));
    FAIL("expected InvalidInput");
  } catch (const InvalidInput& e) {
    const std::string text = e.what();
    CHECK_THAT(text, Contains("cuda:0 (" + QueryDevice(0).name + ")"));
    CHECK_THAT(text, Contains("GiB are free"));
  }
}
