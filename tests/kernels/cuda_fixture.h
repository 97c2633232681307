// tests/kernels/cuda_fixture.h — a BinnedFixture copied to the GPU (DeviceBinnedMatrix), with
// device views.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/src/cuda_matrix.h"
#include "kernel_fixture.h"
#include "kernels/cuda/device_buffer.h"

namespace grove::test {

template <typename T>
cuda_impl::DeviceBuffer<T> ToDevice(const std::vector<T>& host) {
  return cuda_impl::DeviceBuffer<T>::FromHost(std::span<const T>(host));
}

struct DeviceFixture {
  DeviceBinnedMatrix matrix;  // the engine's upload of a quantized matrix and its cuts
  cuda_impl::DeviceBuffer<GradientSum> gradients;

  explicit DeviceFixture(const BinnedFixture& fx)
      : matrix(fx.View(), fx.Cuts()), gradients(ToDevice(fx.gradients)) {}

  BinnedView View() const { return matrix.Bins(); }
  CutsView Cuts() const { return matrix.Cuts(); }
};

}  // namespace grove::test
