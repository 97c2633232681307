// CUDA ROC curves (binary, or one class against the rest), bit for bit metrics/auc.cc's: rows
// in descending score order (a stable
// radix sort of order-preserving keys, so ties keep row order, as the host's sort), then
// kernels/common/auc_math.h's sweep over the host's blocks (kMetricBlockRows-row blocks moved
// forward to the next tie-run start), one thread per block, and the blocks added in order by one
// thread. The host adds the same doubles in the same order, whatever the weights. The blocks
// are found in parallel (auc_math.h's RocBlockEnd); the sweep is sequential within a block, as
// on the host, so a round costs about one 16,384-row pass per thread.
#include <cmath>
#include <cub/device/device_radix_sort.cuh>
#include <limits>

#include "kernels/common/auc_math.h"
#include "kernels/common/metric_math.h"
#include "kernels/cuda/kernels.h"
#include "kernels/cuda/launch.cuh"

namespace grove::cuda_impl {
namespace {

constexpr std::uint32_t kThreads = 256;
// metrics/score_order.cc's DescendingKey of column `column`: ascending keys are descending
// scores, -0 == +0. Also finds the first NaN score (its index in `scores`), which the host
// metric refuses.
__global__ void KeyKernel(const float* scores, std::size_t stride, std::size_t column,
                          std::size_t rows, std::uint32_t* keys, std::uint32_t* ids,
                          unsigned long long* first_nan) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < rows;
       i += std::size_t{gridDim.x} * blockDim.x) {
    const std::size_t at = i * stride + column;
    const float score = scores[at];
    if (isnan(score)) atomicMin(first_nan, static_cast<unsigned long long>(at));
    const float f = score == 0.0f ? 0.0f : score;
    const std::uint32_t bits = __float_as_uint(f);
    const std::uint32_t ascending = (bits & 0x80000000u) != 0 ? ~bits : (bits | 0x80000000u);
    keys[i] = ~ascending;
    ids[i] = static_cast<std::uint32_t>(i);
  }
}

// Gathers each sorted row's label (as ScoreOrder's RecordMaker makes it: the label itself, or
// 1/0 for "is positive_class") and weight (1 without weights, as the host's WeightAt), and
// records in block_begin[b] the first tie-run start among the rows of block b (auc_math.h).
__global__ void RowKernel(const std::uint32_t* keys, const std::uint32_t* ids, const float* labels,
                          int positive_class, const float* weights, std::size_t rows,
                          float2* label_weight, std::uint32_t* block_begin) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < rows;
       i += std::size_t{gridDim.x} * blockDim.x) {
    const std::uint32_t id = ids[i];
    const float y = labels[id];
    const float label =
        positive_class < 0 ? y : (y == static_cast<float>(positive_class) ? 1.0f : 0.0f);
    label_weight[i] = make_float2(label, weights != nullptr ? weights[id] : 1.0f);
    if (i == 0 || keys[i] != keys[i - 1]) {
      atomicMin(block_begin + i / kMetricBlockRows, static_cast<std::uint32_t>(i));
    }
  }
}

// One thread per block: its rows run from its first tie-run start to the next non-empty block's.
__global__ void SweepKernel(const std::uint32_t* keys, const float2* label_weight,
                            const std::uint32_t* block_begin, std::size_t blocks,
                            std::size_t rows, RocCurve* part) {
  for (std::size_t b = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; b < blocks;
       b += std::size_t{gridDim.x} * blockDim.x) {
    const std::uint32_t begin = block_begin[b];
    if (begin == kEmptyRocBlock) {
      part[b] = RocCurve{};
      continue;
    }
    part[b] = SweepRoc(begin, RocBlockEnd(block_begin, blocks, b, rows), [&](std::size_t i) {
      const float2 lw = label_weight[i];
      return RocRow{keys[i], lw.x, lw.y};
    });
  }
}

// The host's running total, block after block (an empty block adds exact zeros).
__global__ void TotalKernel(const RocCurve* part, std::size_t blocks, RocCurve* total) {
  RocCurve sum;
  for (std::size_t b = 0; b < blocks; ++b) AddRocBlock(sum, part[b]);
  *total = sum;
}

}  // namespace

DeviceRocCurve RocCurveOf(StreamView stream, const float* d_scores, std::size_t stride,
                          std::size_t column, const float* d_labels, int positive_class,
                          const float* d_weights, std::size_t rows) {
  DeviceRocCurve result;
  if (rows == 0) return result;
  GROVE_CHECK(rows < INT32_MAX, "the CUDA AUC handles fewer than 2^31 rows");
  const cudaStream_t s = detail::ToCuda(stream);
  const int n = static_cast<int>(rows);
  const std::size_t blocks = (rows + kMetricBlockRows - 1) / kMetricBlockRows;
  detail::ScratchBuffer<std::uint32_t> keys_in(s, rows), keys(s, rows), ids_in(s, rows),
      ids(s, rows), block_begin(s, blocks);
  detail::ScratchBuffer<unsigned long long> first_nan(s, 1);
  detail::ScratchBuffer<float2> label_weight(s, rows);
  detail::ScratchBuffer<RocCurve> part(s, blocks), total(s, 1);
  GROVE_CUDA_CHECK(cudaMemsetAsync(first_nan.data(), 0xFF, sizeof(unsigned long long), s));
  GROVE_CUDA_CHECK(cudaMemsetAsync(block_begin.data(), 0xFF, blocks * sizeof(std::uint32_t), s));
  const std::uint32_t grid = GridBlocks(rows, kThreads, 65535);
  KeyKernel<<<grid, kThreads, 0, s>>>(d_scores, stride, column, rows, keys_in.data(),
                                      ids_in.data(), first_nan.data());
  GROVE_CUDA_CHECK_LAUNCH("KeyKernel");
  detail::WithTempStorage(s, [&](void* temp, std::size_t& bytes) {
    return cub::DeviceRadixSort::SortPairs(temp, bytes, keys_in.data(), keys.data(), ids_in.data(),
                                           ids.data(), n, 0, 32, s);
  });
  RowKernel<<<grid, kThreads, 0, s>>>(keys.data(), ids.data(), d_labels, positive_class,
                                      d_weights, rows, label_weight.data(), block_begin.data());
  GROVE_CUDA_CHECK_LAUNCH("RowKernel");
  SweepKernel<<<GridBlocks(blocks, kThreads, 65535), kThreads, 0, s>>>(
      keys.data(), label_weight.data(), block_begin.data(), blocks, rows, part.data());
  GROVE_CUDA_CHECK_LAUNCH("SweepKernel");
  TotalKernel<<<1, 1, 0, s>>>(part.data(), blocks, total.data());
  GROVE_CUDA_CHECK_LAUNCH("TotalKernel");
  unsigned long long h_first_nan = 0;
  GROVE_CUDA_CHECK(cudaMemcpyAsync(&result.curve, total.data(), sizeof(RocCurve),
                                   cudaMemcpyDeviceToHost, s));
  GROVE_CUDA_CHECK(cudaMemcpyAsync(&h_first_nan, first_nan.data(), sizeof(h_first_nan),
                                   cudaMemcpyDeviceToHost, s));
  GROVE_CUDA_CHECK(cudaStreamSynchronize(s));  // the metric is a host value
  if (h_first_nan != std::numeric_limits<unsigned long long>::max()) {
    result.nan_index = static_cast<std::size_t>(h_first_nan);
    result.curve = RocCurve{};
  }
  return result;
}

}  // namespace grove::cuda_impl
