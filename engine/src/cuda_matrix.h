// engine/src/cuda_matrix.h — a quantized matrix and its cut points uploaded to the current
// device once per job, with the device views the CUDA kernels take; shared by the boosting
// session (cuda_session.h) and the forest session (cuda_forest.h).
//
//   const DeviceBinnedMatrix d_bins(bins);          // inside a DeviceGuard
//   cuda_impl::PartitionRows(s, d_bins.Bins(), d_rows, tasks, left_counts);
//   ... d_bins.Cuts() for the split kernels ...
#pragma once

#include <cstdint>

#include "engine/src/quantize.h"
#include "kernels/binned_view.h"
#include "kernels/cuda/device_buffer.h"

namespace grove {

class DeviceBinnedMatrix {
 public:
  /// Synchronous copies on the legacy default stream: callers that then queue kernels on a
  /// non-blocking stream synchronize the device first.
  explicit DeviceBinnedMatrix(const BinnedMatrix& bins);
  /// The same from host views (the row-major bins; a column-major copy is not uploaded).
  DeviceBinnedMatrix(const BinnedView& bins, const CutsView& cuts);

  BinnedView Bins() const;  ///< row-major bins and feature offsets, on the device
  CutsView Cuts() const;    ///< cut values, pointers, minima and missing flags, on the device

 private:
  std::size_t rows_;
  std::size_t features_;
  std::uint32_t total_bins_;
  cuda_impl::DeviceBuffer<std::uint8_t> bins8_;
  cuda_impl::DeviceBuffer<std::uint16_t> bins16_;
  cuda_impl::DeviceBuffer<std::uint32_t> offsets_;
  cuda_impl::DeviceBuffer<float> cut_values_;
  cuda_impl::DeviceBuffer<std::uint32_t> cut_ptrs_;
  cuda_impl::DeviceBuffer<float> min_values_;
  cuda_impl::DeviceBuffer<std::uint8_t> has_missing_;
};

}  // namespace grove
