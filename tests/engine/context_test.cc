#include <catch2/catch.hpp>

#include "grove/context.h"
#include "grove/errors.h"

using grove::Device;

TEST_CASE("Device::Parse accepts cpu, cuda and cuda:N", "[unit]") {
  CHECK(Device::Parse("cpu") == Device{});
  CHECK(Device::Parse("cuda") == Device{Device::Kind::kCuda, 0});
  CHECK(Device::Parse("cuda:3") == Device{Device::Kind::kCuda, 3});
  CHECK(Device::Parse("cuda:3").ToString() == "cuda:3");
  CHECK(Device::Parse("cpu").ToString() == "cpu");
}

TEST_CASE("Device::Parse rejects other spellings with the accepted forms", "[unit]") {
  for (const char* bad : {"gpu", "cuda:", "cuda:-1", "cuda:1x", "CPU", "gpu_hist", ""}) {
    INFO(bad);
    CHECK_THROWS_WITH(Device::Parse(bad),
                      Catch::Contains("expected cpu, cuda or cuda:<ordinal>"));
  }
}

TEST_CASE("Context::Threads resolves 0 to the hardware threads", "[unit]") {
  grove::Context ctx;
  CHECK(ctx.Threads() >= 1);
  ctx.nthread = 3;
  CHECK(ctx.Threads() == 3);
}

TEST_CASE("GROVE_CHECK throws InternalError naming the condition", "[unit]") {
  const int rows = 2;
  const auto check = [&](int expected) { GROVE_CHECK(rows == expected, "rows mismatch"); };
  CHECK_THROWS_AS(check(3), grove::InternalError);
  CHECK_THROWS_WITH(check(3), Catch::Contains("rows == expected") &&
                                  Catch::Contains("rows mismatch") &&
                                  Catch::Contains("context_test.cc"));
  CHECK_NOTHROW(check(2));
}

TEST_CASE("BuildInfo names the version and whether CUDA is in", "[unit]") {
  const std::string info = grove::BuildInfo();
  CHECK_THAT(info, Catch::StartsWith("grove 0."));
  CHECK_THAT(info, Catch::Contains(grove::BuiltWithCuda() ? "CUDA " : "no CUDA"));
}
