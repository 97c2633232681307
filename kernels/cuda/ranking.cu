// CUDA ndcg and map sweeps, as metrics/ranking.cc computes them: each query group's rows by
// descending score with ties in row order (one stable radix sort of (group, score key) pairs,
// the host's stable sort within each group), then kernels/common/metric_math.h's RankSweep over
// each group's first k rows, one thread per group. The host finishes the groups and combines
// them in group order (FinishRank), so the doubles are the host's, added in its order; the
// discounts come from a table the host computed (RankDiscount), not from CUDA's log2.
#include <cub/device/device_radix_sort.cuh>
#include <cub/util_type.cuh>
#include <limits>

#include "kernels/common/auc_math.h"
#include "kernels/common/metric_math.h"
#include "kernels/cuda/kernels.h"
#include "kernels/cuda/launch.cuh"

namespace grove::cuda_impl {
namespace {

constexpr std::uint32_t kThreads = 256;

// Each row's sort key: its group in the high 32 bits, its DescendingScoreKey in the low ones,
// so that ascending keys are the groups in order and within each the scores descending. Also
// finds the first NaN score.
__global__ void RankKeyKernel(const float* scores, const std::uint32_t* group_ptr,
                              std::size_t groups, std::size_t rows, std::uint64_t* keys,
                              std::uint32_t* ids, unsigned long long* first_nan) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < rows;
       i += std::size_t{gridDim.x} * blockDim.x) {
    const float score = scores[i];
    if (isnan(score)) atomicMin(first_nan, static_cast<unsigned long long>(i));
    // The group holding row i: the last g with group_ptr[g] <= i (group_ptr[0] == 0).
    std::size_t lo = 0, hi = groups;  // group_ptr[lo] <= i < group_ptr[hi]
    while (hi - lo > 1) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (group_ptr[mid] <= i) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    keys[i] = (std::uint64_t{lo} << 32) | DescendingScoreKey(score);
    ids[i] = static_cast<std::uint32_t>(i);
  }
}

__global__ void GatherLabelsKernel(const std::uint32_t* ids, const float* labels, std::size_t rows,
                                   float* sorted) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < rows;
       i += std::size_t{gridDim.x} * blockDim.x) {
    sorted[i] = labels[ids[i]];
  }
}

// One thread per group: its RankSweep over its ranked labels.
__global__ void RankSweepKernel(RankMetric metric, const float* sorted_labels,
                                const std::uint32_t* group_ptr, std::size_t groups,
                                const double* discount, double* sums) {
  for (std::size_t g = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; g < groups;
       g += std::size_t{gridDim.x} * blockDim.x) {
    const float* labels = sorted_labels + group_ptr[g];
    sums[g] = RankSweep(
        metric, group_ptr[g + 1] - group_ptr[g], [labels](std::size_t i) { return labels[i]; },
        [discount](std::size_t i) { return discount[i]; });
  }
}

int BitsFor(std::size_t n) {
  int bits = 0;
  while (bits < 64 && (n >> bits) != 0) ++bits;
  return bits;
}

}  // namespace

DeviceRankSums RankSumsOf(StreamView stream, const RankMetric& metric, const float* d_scores,
                          const float* d_labels, const std::uint32_t* d_group_ptr,
                          std::size_t groups, const double* d_discount, std::size_t rows) {
  DeviceRankSums result;
  if (rows == 0 || groups == 0) return result;
  GROVE_CHECK(rows < INT32_MAX, "the CUDA ranking metrics handle fewer than 2^31 rows");
  const cudaStream_t s = detail::ToCuda(stream);
  const std::uint32_t grid = GridBlocks(rows, kThreads, 65535);
  detail::ScratchBuffer<unsigned long long> first_nan(s, 1);
  GROVE_CUDA_CHECK(cudaMemsetAsync(first_nan.data(), 0xFF, sizeof(unsigned long long), s));
  detail::ScratchBuffer<std::uint32_t> ids(s, rows), ids_alt(s, rows);
  cub::DoubleBuffer<std::uint32_t> id_buffers(ids.data(), ids_alt.data());
  {
    // Double-buffered keys and ids: 24 bytes a row, with little temporary storage.
    detail::ScratchBuffer<std::uint64_t> keys(s, rows), keys_alt(s, rows);
    RankKeyKernel<<<grid, kThreads, 0, s>>>(d_scores, d_group_ptr, groups, rows, keys.data(),
                                            ids.data(), first_nan.data());
    GROVE_CUDA_CHECK_LAUNCH("RankKeyKernel");
    cub::DoubleBuffer<std::uint64_t> key_buffers(keys.data(), keys_alt.data());
    const int end_bit = 32 + BitsFor(groups - 1);
    detail::WithTempStorage(s, [&](void* temp, std::size_t& bytes) {
      return cub::DeviceRadixSort::SortPairs(temp, bytes, key_buffers, id_buffers,
                                             static_cast<int>(rows), 0, end_bit, s);
    });
  }
  detail::ScratchBuffer<float> sorted_labels(s, rows);
  GatherLabelsKernel<<<grid, kThreads, 0, s>>>(id_buffers.Current(), d_labels, rows,
                                               sorted_labels.data());
  GROVE_CUDA_CHECK_LAUNCH("GatherLabelsKernel");
  detail::ScratchBuffer<double> d_sums(s, groups);
  constexpr std::uint32_t kSweepThreads = 64;
  RankSweepKernel<<<GridBlocks(groups, kSweepThreads, 65535), kSweepThreads, 0, s>>>(
      metric, sorted_labels.data(), d_group_ptr, groups, d_discount, d_sums.data());
  GROVE_CUDA_CHECK_LAUNCH("RankSweepKernel");
  result.sums.resize(groups);
  unsigned long long first = 0;
  GROVE_CUDA_CHECK(cudaMemcpyAsync(result.sums.data(), d_sums.data(), groups * sizeof(double),
                                   cudaMemcpyDeviceToHost, s));
  GROVE_CUDA_CHECK(
      cudaMemcpyAsync(&first, first_nan.data(), sizeof(first), cudaMemcpyDeviceToHost, s));
  GROVE_CUDA_CHECK(cudaStreamSynchronize(s));  // the groups are finished on the host
  if (first != std::numeric_limits<unsigned long long>::max()) {
    result.nan_index = static_cast<std::size_t>(first);
    result.sums.clear();
  }
  return result;
}

}  // namespace grove::cuda_impl
