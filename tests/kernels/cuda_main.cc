// Runner of the [cuda] tests: exits 4 (ctest's SKIP_RETURN_CODE) when there is nothing to run
// them on, and says why.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>

#include "grove/context.h"
#include "kernels/cuda/device.h"

int main(int argc, char** argv) {
  if (!grove::BuiltWithCuda()) {
    std::puts("SKIPPED: this build has no CUDA support (no nvcc at configure time)");
    return 4;
  }
  if (grove::cuda_impl::DeviceCount() == 0) {
    std::puts("SKIPPED: no CUDA device on this machine");
    return 4;
  }
  return Catch::Session().run(argc, argv);
}
