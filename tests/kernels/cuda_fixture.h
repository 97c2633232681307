// tests/kernels/cuda_fixture.h — a BinnedFixture copied to the GPU, with device views.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernel_fixture.h"
#include "kernels/cuda/device_buffer.h"

namespace grove::test {

template <typename T>
cuda_impl::DeviceBuffer<T> ToDevice(const std::vector<T>& host) {
  return cuda_impl::DeviceBuffer<T>::FromHost(std::span<const T>(host));
}

struct DeviceFixture {
  const BinnedFixture& host;
  cuda_impl::DeviceBuffer<std::uint8_t> bins8;
  cuda_impl::DeviceBuffer<std::uint16_t> bins16;
  cuda_impl::DeviceBuffer<std::uint32_t> offsets;
  cuda_impl::DeviceBuffer<float> cut_values;
  cuda_impl::DeviceBuffer<std::uint32_t> cut_ptrs;
  cuda_impl::DeviceBuffer<float> min_values;
  cuda_impl::DeviceBuffer<std::uint8_t> has_missing;
  cuda_impl::DeviceBuffer<GradientSum> gradients;

  explicit DeviceFixture(const BinnedFixture& fx)
      : host(fx),
        bins8(ToDevice(fx.bins8)),
        bins16(ToDevice(fx.bins16)),
        offsets(ToDevice(fx.offsets)),
        cut_values(ToDevice(fx.cut_values)),
        cut_ptrs(ToDevice(fx.cut_ptrs)),
        min_values(ToDevice(fx.min_values)),
        has_missing(ToDevice(fx.has_missing)),
        gradients(ToDevice(fx.gradients)) {}

  BinnedView View() const {
    BinnedView v = host.View();
    v.bins8 = host.bins8.empty() ? nullptr : bins8.data();
    v.bins16 = host.bins16.empty() ? nullptr : bins16.data();
    v.feature_offsets = offsets.data();
    return v;
  }
  CutsView Cuts() const {
    CutsView c = host.Cuts();
    c.cut_values = cut_values.data();
    c.cut_ptrs = cut_ptrs.data();
    c.min_values = min_values.data();
    c.has_missing = has_missing.data();
    c.feature_offsets = offsets.data();
    return c;
  }
};

}  // namespace grove::test
