#include "engine/src/cuda_predict.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "engine/src/cuda_options.h"
#include "grove/errors.h"
#include "kernels/cuda/device.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/forest_layout.h"
#include "kernels/cuda/kernels.h"

namespace grove {
namespace {

// Device memory per chunk of rows: its features and its outputs.
constexpr std::size_t kChunkBytes = std::size_t{256} << 20;

// The end of the chunk that starts at row `begin`: at least one row, about kChunkBytes.
std::size_t ChunkEnd(const cpu_impl::PredictInput& x, std::size_t begin, std::size_t per_row) {
  const std::size_t out_bytes = per_row * sizeof(float);
  if (!x.is_csr) {
    // A row-major view is uploaded with its row stride; a strided one is packed to `cols`.
    const std::size_t row_floats = x.col_stride == 1 ? std::max(x.row_stride, x.cols) : x.cols;
    const std::size_t row_bytes = row_floats * sizeof(float) + out_bytes;
    return std::min(x.rows, begin + std::max<std::size_t>(
                                        1, kChunkBytes / std::max<std::size_t>(row_bytes, 1)));
  }
  std::size_t end = begin + 1;
  auto bytes = [&](std::size_t e) {
    return (x.row_ptr[e] - x.row_ptr[begin]) * (sizeof(std::uint32_t) + sizeof(float)) +
           (e - begin) * (sizeof(std::uint64_t) + out_bytes);
  };
  while (end < x.rows && bytes(end + 1) <= kChunkBytes) ++end;
  return end;
}

// Margins from `base_margin` (outputs floats) when `leaves` is false, else leaf indices.
void RunOnDevice(const Device& device, std::span<const cpu_impl::PredictTree> trees,
                 const cpu_impl::PredictInput& x, std::span<const float> base_margin,
                 std::size_t outputs, bool leaves, std::span<float> out) {
  RequireCudaPrediction(device, cuda_impl::DeviceCount());
  if (x.rows == 0 || out.empty()) return;
  GROVE_CHECK(out.size() % x.rows == 0, "prediction buffer has the wrong size");
  const std::size_t per_row = out.size() / x.rows;
  const cuda_impl::DeviceGuard guard(device.ordinal);
  const cuda_impl::DeviceForest forest =
      cuda_impl::UploadForest(cuda_impl::FlattenForest(trees, x.cols, outputs));
  const auto d_base = cuda_impl::DeviceBuffer<float>::FromHost(base_margin);
  const cuda_impl::Stream stream;
  std::vector<float> packed;
  std::vector<std::uint64_t> row_ptr;
  for (std::size_t begin = 0; begin < x.rows;) {
    const std::size_t end = ChunkEnd(x, begin, per_row);
    const std::size_t n = end - begin;
    cuda_impl::DeviceMatrix m;
    m.rows = n;
    m.cols = x.cols;
    cuda_impl::DeviceBuffer<float> dense, values;
    cuda_impl::DeviceBuffer<std::uint64_t> d_row_ptr;
    cuda_impl::DeviceBuffer<std::uint32_t> col_index;
    if (!x.is_csr) {
      std::span<const float> rows;
      if (x.col_stride == 1) {
        rows = std::span(x.dense + begin * x.row_stride, (n - 1) * x.row_stride + x.cols);
        m.row_stride = x.row_stride;
      } else {  // a strided (e.g. column-major) view: packed row-major for the kernel
        packed.resize(n * x.cols);
        for (std::size_t r = 0; r < n; ++r) {
          for (std::size_t c = 0; c < x.cols; ++c) {
            packed[r * x.cols + c] = x.dense[(begin + r) * x.row_stride + c * x.col_stride];
          }
        }
        rows = packed;
        m.row_stride = x.cols;
      }
      dense = cuda_impl::DeviceBuffer<float>(std::max<std::size_t>(rows.size(), 1));
      if (!rows.empty()) cuda_impl::CopyToDevice(dense.data(), rows.data(), rows.size_bytes());
      m.d_dense = dense.data();
    } else {
      CheckCsrColumnsIncrease(x, begin, end);
      const std::uint64_t first = x.row_ptr[begin];
      row_ptr.resize(n + 1);
      for (std::size_t r = 0; r <= n; ++r) row_ptr[r] = x.row_ptr[begin + r] - first;
      const std::size_t nnz = row_ptr[n];
      d_row_ptr = cuda_impl::DeviceBuffer<std::uint64_t>::FromHost(row_ptr);
      col_index =
          cuda_impl::DeviceBuffer<std::uint32_t>::FromHost(std::span(x.col_index + first, nnz));
      values = cuda_impl::DeviceBuffer<float>::FromHost(std::span(x.values + first, nnz));
      m.d_row_ptr = d_row_ptr.data();
      m.d_col_index = col_index.data();
      m.d_values = values.data();
    }
    cuda_impl::DeviceBuffer<float> d_out(n * per_row);
    // The uploads ran on the legacy stream; the prediction stream must see them.
    cuda_impl::SynchronizeDevice();
    if (leaves) {
      cuda_impl::PredictLeaves(stream.View(), forest, m, d_out.data());
    } else {
      cuda_impl::PredictMargins(stream.View(), forest, m, d_base.data(), d_out.data());
    }
    cuda_impl::CopyToHostOn(stream.View(), out.data() + begin * per_row, d_out.data(),
                            n * per_row * sizeof(float));
    stream.Synchronize();
    begin = end;
  }
}

}  // namespace

void CheckCsrColumnsIncrease(const cpu_impl::PredictInput& x, std::size_t begin, std::size_t end) {
  for (std::size_t r = begin; r < end; ++r) {
    for (std::uint64_t k = x.row_ptr[r] + 1; k < x.row_ptr[r + 1]; ++k) {
      if (x.col_index[k] <= x.col_index[k - 1]) {
        throw InvalidInput(fmt::format(
            "CSR matrix: row {} has column {} after column {}; column indices must strictly "
            "increase within a row",
            r, x.col_index[k], x.col_index[k - 1]));
      }
    }
  }
}

void RequireCudaPrediction(const Device& device, int device_count) {
  RequireCudaDevice(device, device_count, "predicts");
}

void PredictMarginsOnDevice(const Device& device, std::span<const cpu_impl::PredictTree> trees,
                            const cpu_impl::PredictInput& x, std::span<const float> base_margin,
                            std::span<float> out) {
  GROVE_CHECK(out.size() == x.rows * base_margin.size(), "margin buffer has the wrong size");
  RunOnDevice(device, trees, x, base_margin, base_margin.size(), false, out);
}

void PredictLeavesOnDevice(const Device& device, std::span<const cpu_impl::PredictTree> trees,
                           const cpu_impl::PredictInput& x, std::size_t outputs,
                           std::span<float> out) {
  GROVE_CHECK(out.size() == x.rows * trees.size(), "leaf buffer has the wrong size");
  RunOnDevice(device, trees, x, {}, outputs, true, out);
}

}  // namespace grove
