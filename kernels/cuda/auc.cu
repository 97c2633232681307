// CUDA ROC and PR curves (binary, or each class against the rest), as metrics/auc.cc computes
// them: per column, rows in descending score order (a stable radix sort of order-preserving keys,
// so ties keep row order, as the host's sort), then kernels/common/auc_math.h's sweeps over the
// host's blocks (kAucBlockRows-row blocks moved forward to the next tie-run start), one thread
// per block, and the blocks added in order by one thread. The host adds the same doubles in the
// same order, whatever the weights: ROC curves are its bits, PR areas too but for CUDA's log.
// The blocks are found in parallel (auc_math.h's RocBlockEnd); the sweep is sequential within a
// block, as on the host, so a curve costs about one 4,096-row pass per thread (two for PR). The
// columns of a multi-class model are queued one after another on the stream (each column's
// scratch is freed, stream-ordered, before the next is taken, so the pool reuses it) and the
// host waits once for all of them.
#include <cmath>
#include <cub/device/device_radix_sort.cuh>
#include <limits>
#include <optional>

#include "kernels/common/auc_math.h"
#include "kernels/cuda/kernels.h"
#include "kernels/cuda/launch.cuh"

namespace grove::cuda_impl {
namespace {

constexpr std::uint32_t kThreads = 256;
/// Threads per CUDA block of the sweeps: one warp, so that the few long sequential sweeps (one
/// per 4,096 rows) spread over as many SMs, their L1 caches and FP64 units, as there are warps.
constexpr std::uint32_t kSweepThreads = 32;
// auc_math.h's DescendingScoreKey of column `column`, as metrics/score_order.cc sorts: ascending
// keys are descending scores, -0 == +0. Also finds the first NaN score (its index in `scores`),
// which the host metric refuses.
__global__ void KeyKernel(const float* scores, std::size_t stride, std::size_t column,
                          std::size_t rows, std::uint32_t* keys, std::uint32_t* ids,
                          unsigned long long* first_nan) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < rows;
       i += std::size_t{gridDim.x} * blockDim.x) {
    const std::size_t at = i * stride + column;
    const float score = scores[at];
    if (isnan(score)) atomicMin(first_nan, static_cast<unsigned long long>(at));
    keys[i] = DescendingScoreKey(score);
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
      atomicMin(block_begin + i / kAucBlockRows, static_cast<std::uint32_t>(i));
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

// PR: the totals before each block and of all blocks, added in the host's order.
__global__ void PrStartKernel(const RocCurve* part, std::size_t blocks, RocCurve* start,
                              RocCurve* totals) {
  RocCurve sum;
  for (std::size_t b = 0; b < blocks; ++b) {
    start[b] = sum;
    sum.neg += part[b].neg;
    sum.pos += part[b].pos;
  }
  *totals = sum;
}

// PR: one thread per block sweeps from the totals before it.
__global__ void PrSweepKernel(const std::uint32_t* keys, const float2* label_weight,
                              const std::uint32_t* block_begin, std::size_t blocks,
                              std::size_t rows, const RocCurve* start, const RocCurve* totals,
                              double* area) {
  for (std::size_t b = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; b < blocks;
       b += std::size_t{gridDim.x} * blockDim.x) {
    const std::uint32_t begin = block_begin[b];
    if (begin == kEmptyRocBlock) {
      area[b] = 0.0;
      continue;
    }
    area[b] = SweepPr(begin, RocBlockEnd(block_begin, blocks, b, rows), start[b].neg,
                      start[b].pos, totals->pos, [&](std::size_t i) {
                        const float2 lw = label_weight[i];
                        return RocRow{keys[i], lw.x, lw.y};
                      });
  }
}

__global__ void AreaTotalKernel(const double* area, std::size_t blocks, double* total) {
  double sum = 0.0;
  for (std::size_t b = 0; b < blocks; ++b) sum += area[b];
  *total = sum;
}

// One column's rows in descending score order with their labels, weights and blocks, and each
// block's curve (SweepKernel): the steps the ROC and PR curves share.
struct SortedColumn {
  std::size_t rows, blocks;
  detail::ScratchBuffer<std::uint32_t> keys, block_begin;
  detail::ScratchBuffer<float2> label_weight;
  detail::ScratchBuffer<RocCurve> part;
};

// Queues column `column`'s sort and sweeps; a NaN score lowers *first_nan to its index.
SortedColumn SortColumn(cudaStream_t s, const float* d_scores, std::size_t stride,
                        std::size_t column, const float* d_labels, int positive_class,
                        const float* d_weights, std::size_t rows, unsigned long long* first_nan) {
  GROVE_CHECK(rows < INT32_MAX, "the CUDA AUC handles fewer than 2^31 rows");
  const std::size_t blocks = (rows + kAucBlockRows - 1) / kAucBlockRows;
  SortedColumn sorted{rows,
                      blocks,
                      detail::ScratchBuffer<std::uint32_t>(s, rows),
                      detail::ScratchBuffer<std::uint32_t>(s, blocks),
                      detail::ScratchBuffer<float2>(s, rows),
                      detail::ScratchBuffer<RocCurve>(s, blocks)};
  GROVE_CUDA_CHECK(
      cudaMemsetAsync(sorted.block_begin.data(), 0xFF, blocks * sizeof(std::uint32_t), s));
  const std::uint32_t grid = GridBlocks(rows, kThreads, 65535);
  {
    detail::ScratchBuffer<std::uint32_t> keys_in(s, rows), ids_in(s, rows), ids(s, rows);
    KeyKernel<<<grid, kThreads, 0, s>>>(d_scores, stride, column, rows, keys_in.data(),
                                        ids_in.data(), first_nan);
    GROVE_CUDA_CHECK_LAUNCH("KeyKernel");
    detail::WithTempStorage(s, [&](void* temp, std::size_t& bytes) {
      return cub::DeviceRadixSort::SortPairs(temp, bytes, keys_in.data(), sorted.keys.data(),
                                             ids_in.data(), ids.data(), static_cast<int>(rows), 0,
                                             32, s);
    });
    RowKernel<<<grid, kThreads, 0, s>>>(sorted.keys.data(), ids.data(), d_labels, positive_class,
                                        d_weights, rows, sorted.label_weight.data(),
                                        sorted.block_begin.data());
    GROVE_CUDA_CHECK_LAUNCH("RowKernel");
  }
  SweepKernel<<<GridBlocks(blocks, kSweepThreads, 65535), kSweepThreads, 0, s>>>(
      sorted.keys.data(), sorted.label_weight.data(), sorted.block_begin.data(), blocks, rows,
      sorted.part.data());
  GROVE_CUDA_CHECK_LAUNCH("SweepKernel");
  return sorted;
}

// A fresh "no NaN yet" index for SortColumn, on the device.
detail::ScratchBuffer<unsigned long long> NoNaNYet(cudaStream_t s) {
  detail::ScratchBuffer<unsigned long long> first_nan(s, 1);
  GROVE_CUDA_CHECK(cudaMemsetAsync(first_nan.data(), 0xFF, sizeof(unsigned long long), s));
  return first_nan;
}

// Waits for the stream; the index of the first NaN score, if any.
std::optional<std::size_t> FirstNaN(cudaStream_t s, const unsigned long long* d_first_nan) {
  unsigned long long first = 0;
  GROVE_CUDA_CHECK(cudaMemcpyAsync(&first, d_first_nan, sizeof(first), cudaMemcpyDeviceToHost, s));
  GROVE_CUDA_CHECK(cudaStreamSynchronize(s));  // the metric is a host value
  if (first == std::numeric_limits<unsigned long long>::max()) return std::nullopt;
  return static_cast<std::size_t>(first);
}

// Column c's positive class: none for a single (binary) column, else c (one against the rest).
int PositiveClass(std::size_t columns, std::size_t c) {
  return columns == 1 ? -1 : static_cast<int>(c);
}

}  // namespace

DeviceRocCurves RocCurvesOf(StreamView stream, const float* d_scores, std::size_t columns,
                            const float* d_labels, const float* d_weights, std::size_t rows) {
  DeviceRocCurves result;
  result.curves.resize(columns);
  if (rows == 0 || columns == 0) return result;
  const cudaStream_t s = detail::ToCuda(stream);
  const detail::ScratchBuffer<unsigned long long> first_nan = NoNaNYet(s);
  detail::ScratchBuffer<RocCurve> totals(s, columns);
  for (std::size_t c = 0; c < columns; ++c) {
    const SortedColumn sorted =
        SortColumn(s, d_scores, columns, c, d_labels, PositiveClass(columns, c), d_weights, rows,
                   first_nan.data());
    TotalKernel<<<1, 1, 0, s>>>(sorted.part.data(), sorted.blocks, totals.data() + c);
    GROVE_CUDA_CHECK_LAUNCH("TotalKernel");
  }
  GROVE_CUDA_CHECK(cudaMemcpyAsync(result.curves.data(), totals.data(), columns * sizeof(RocCurve),
                                   cudaMemcpyDeviceToHost, s));
  result.nan_index = FirstNaN(s, first_nan.data());
  if (result.nan_index) result.curves.clear();
  return result;
}

DevicePrCurves PrCurvesOf(StreamView stream, const float* d_scores, std::size_t columns,
                          const float* d_labels, const float* d_weights, std::size_t rows) {
  DevicePrCurves result;
  result.areas.resize(columns);
  result.totals.resize(columns);
  if (rows == 0 || columns == 0) return result;
  const cudaStream_t s = detail::ToCuda(stream);
  const detail::ScratchBuffer<unsigned long long> first_nan = NoNaNYet(s);
  detail::ScratchBuffer<RocCurve> totals(s, columns);
  detail::ScratchBuffer<double> areas(s, columns);
  for (std::size_t c = 0; c < columns; ++c) {
    const SortedColumn sorted =
        SortColumn(s, d_scores, columns, c, d_labels, PositiveClass(columns, c), d_weights, rows,
                   first_nan.data());
    detail::ScratchBuffer<RocCurve> start(s, sorted.blocks);
    detail::ScratchBuffer<double> area(s, sorted.blocks);
    PrStartKernel<<<1, 1, 0, s>>>(sorted.part.data(), sorted.blocks, start.data(),
                                  totals.data() + c);
    GROVE_CUDA_CHECK_LAUNCH("PrStartKernel");
    PrSweepKernel<<<GridBlocks(sorted.blocks, kSweepThreads, 65535), kSweepThreads, 0, s>>>(
        sorted.keys.data(), sorted.label_weight.data(), sorted.block_begin.data(), sorted.blocks,
        rows, start.data(), totals.data() + c, area.data());
    GROVE_CUDA_CHECK_LAUNCH("PrSweepKernel");
    AreaTotalKernel<<<1, 1, 0, s>>>(area.data(), sorted.blocks, areas.data() + c);
    GROVE_CUDA_CHECK_LAUNCH("AreaTotalKernel");
  }
  GROVE_CUDA_CHECK(cudaMemcpyAsync(result.totals.data(), totals.data(), columns * sizeof(RocCurve),
                                   cudaMemcpyDeviceToHost, s));
  GROVE_CUDA_CHECK(cudaMemcpyAsync(result.areas.data(), areas.data(), columns * sizeof(double),
                                   cudaMemcpyDeviceToHost, s));
  result.nan_index = FirstNaN(s, first_nan.data());
  if (result.nan_index) {
    result.areas.clear();
    result.totals.clear();
  }
  return result;
}

}  // namespace grove::cuda_impl
