// CUDA query-group metrics, as metrics/ranking.cc and auc.cc compute them: ndcg, map and
// grouped aucpr read each group's rows by descending score with ties in row order (one stable
// radix sort of (group, score key) pairs, the host's stable sort within each group) and sweep
// them with the host's functions, one thread per group (kernels/common/metric_math.h's
// RankSweep, auc_math.h's GroupPrArea); grouped auc adds PairScore over each group's pairs in
// the label order the host made (exact in any order, so one thread per row). The host finishes
// the groups and combines them in group order (FinishRank, FinishGroupAuc), so the values are
// the host's bits, but for CUDA's log in aucpr; ndcg's discounts come from a table the host
// computed (RankDiscount), not from CUDA's log2.
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
constexpr std::uint32_t kGroupThreads = 64;  // the per-group sweeps

// The group holding row (or position) i: the last g with group_ptr[g] <= i (group_ptr[0] == 0,
// group_ptr[groups] > i).
__device__ std::size_t GroupOf(const std::uint32_t* group_ptr, std::size_t groups, std::size_t i) {
  std::size_t lo = 0, hi = groups;  // group_ptr[lo] <= i < group_ptr[hi]
  while (hi - lo > 1) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (group_ptr[mid] <= i) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// Each row's sort key: its group in the high 32 bits, its DescendingScoreKey in the low ones,
// so that ascending keys are the groups in order and within each the scores descending. Also
// finds the first NaN score.
__global__ void GroupKeyKernel(const float* scores, const std::uint32_t* group_ptr,
                               std::size_t groups, std::size_t rows, std::uint64_t* keys,
                               std::uint32_t* ids, unsigned long long* first_nan) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < rows;
       i += std::size_t{gridDim.x} * blockDim.x) {
    const float score = scores[i];
    if (isnan(score)) atomicMin(first_nan, static_cast<unsigned long long>(i));
    keys[i] = (std::uint64_t{GroupOf(group_ptr, groups, i)} << 32) | DescendingScoreKey(score);
    ids[i] = static_cast<std::uint32_t>(i);
  }
}

// One thread per group: its RankSweep over its rows by descending score.
__global__ void RankSweepKernel(RankMetric metric, const std::uint32_t* ids, const float* labels,
                                const std::uint32_t* group_ptr, std::size_t groups,
                                const double* discount, double* sums) {
  for (std::size_t g = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; g < groups;
       g += std::size_t{gridDim.x} * blockDim.x) {
    const std::uint32_t* group = ids + group_ptr[g];
    sums[g] = RankSweep(
        metric, group_ptr[g + 1] - group_ptr[g],
        [group, labels](std::size_t i) { return labels[group[i]]; },
        [discount](std::size_t i) { return discount[i]; });
  }
}

// One thread per group: its GroupPrArea over its rows by descending score.
__global__ void GroupPrKernel(const std::uint32_t* ids, const float* scores, const float* labels,
                              const std::uint32_t* group_ptr, std::size_t groups, double* areas) {
  for (std::size_t g = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; g < groups;
       g += std::size_t{gridDim.x} * blockDim.x) {
    const std::uint32_t* group = ids + group_ptr[g];
    areas[g] = GroupPrArea(
        group_ptr[g + 1] - group_ptr[g],
        [group, labels](std::size_t i) { return labels[group[i]]; },
        [group, scores](std::size_t i) { return scores[group[i]] == scores[group[i - 1]]; });
  }
}

// One thread per position p of the label order: PairScore of p's row against every later row of
// its group, added to the group's sum (atomically: the sums are multiples of 0.5, exact in any
// order). Also finds the first NaN score.
__global__ void GroupPairKernel(const float* scores, const std::uint32_t* label_order,
                                const std::uint32_t* group_ptr, std::size_t groups,
                                std::size_t rows, double* sums, unsigned long long* first_nan) {
  for (std::size_t p = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; p < rows;
       p += std::size_t{gridDim.x} * blockDim.x) {
    const std::size_t g = GroupOf(group_ptr, groups, p);
    const float score = scores[label_order[p]];
    if (isnan(score)) atomicMin(first_nan, static_cast<unsigned long long>(label_order[p]));
    double sum = 0.0;
    for (std::size_t q = p + 1; q < group_ptr[g + 1]; ++q) {
      sum += PairScore(score, scores[label_order[q]]);
    }
    if (sum != 0.0) atomicAdd(sums + g, sum);
  }
}

int BitsFor(std::size_t n) {
  int bits = 0;
  while (bits < 64 && (n >> bits) != 0) ++bits;
  return bits;
}

// Every group's rows by descending score, ties in row order: Current() of `ids`.
struct GroupOrder {
  detail::ScratchBuffer<std::uint32_t> ids, ids_alt;
  cub::DoubleBuffer<std::uint32_t> sorted;
};

GroupOrder SortGroups(cudaStream_t s, const float* d_scores, const std::uint32_t* d_group_ptr,
                      std::size_t groups, std::size_t rows, unsigned long long* d_first_nan) {
  GroupOrder order{detail::ScratchBuffer<std::uint32_t>(s, rows),
                   detail::ScratchBuffer<std::uint32_t>(s, rows),
                   {}};
  order.sorted = cub::DoubleBuffer<std::uint32_t>(order.ids.data(), order.ids_alt.data());
  // Double-buffered keys and ids, 24 bytes a row with little temporary storage; the keys are
  // freed before the sweeps.
  detail::ScratchBuffer<std::uint64_t> keys(s, rows), keys_alt(s, rows);
  GroupKeyKernel<<<GridBlocks(rows, kThreads, 65535), kThreads, 0, s>>>(
      d_scores, d_group_ptr, groups, rows, keys.data(), order.ids.data(), d_first_nan);
  GROVE_CUDA_CHECK_LAUNCH("GroupKeyKernel");
  cub::DoubleBuffer<std::uint64_t> key_buffers(keys.data(), keys_alt.data());
  const int end_bit = 32 + BitsFor(groups - 1);
  detail::WithTempStorage(s, [&](void* temp, std::size_t& bytes) {
    return cub::DeviceRadixSort::SortPairs(temp, bytes, key_buffers, order.sorted,
                                           static_cast<int>(rows), 0, end_bit, s);
  });
  return order;
}

// The per-group results and the first NaN, copied back; waits for the stream.
DeviceGroupSums ToHost(cudaStream_t s, const detail::ScratchBuffer<double>& d_sums,
                       std::size_t groups,
                       const detail::ScratchBuffer<unsigned long long>& first_nan) {
  DeviceGroupSums result;
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

detail::ScratchBuffer<unsigned long long> NoNaNYet(cudaStream_t s) {
  detail::ScratchBuffer<unsigned long long> first_nan(s, 1);
  GROVE_CUDA_CHECK(cudaMemsetAsync(first_nan.data(), 0xFF, sizeof(unsigned long long), s));
  return first_nan;
}

unsigned GroupGrid(std::size_t groups) {
  return GridBlocks(groups, kGroupThreads, 65535);
}

// SortGroups, then sweep(stream, sorted ids, per-group results) launches the per-group sweep.
template <class Sweep>
DeviceGroupSums SweepSortedGroups(StreamView stream, const float* d_scores,
                                  const std::uint32_t* d_group_ptr, std::size_t groups,
                                  std::size_t rows, const Sweep& sweep) {
  if (rows == 0 || groups == 0) return {};
  GROVE_CHECK(rows < INT32_MAX, "the CUDA ranking metrics handle fewer than 2^31 rows");
  const cudaStream_t s = detail::ToCuda(stream);
  const auto first_nan = NoNaNYet(s);
  GroupOrder order = SortGroups(s, d_scores, d_group_ptr, groups, rows, first_nan.data());
  detail::ScratchBuffer<double> d_sums(s, groups);
  sweep(s, order.sorted.Current(), d_sums.data());
  return ToHost(s, d_sums, groups, first_nan);
}

}  // namespace

DeviceGroupSums RankSumsOf(StreamView stream, const RankMetric& metric, const float* d_scores,
                           const float* d_labels, const std::uint32_t* d_group_ptr,
                           std::size_t groups, const double* d_discount, std::size_t rows) {
  return SweepSortedGroups(stream, d_scores, d_group_ptr, groups, rows,
                           [&](cudaStream_t s, const std::uint32_t* sorted, double* d_sums) {
                             RankSweepKernel<<<GroupGrid(groups), kGroupThreads, 0, s>>>(
                                 metric, sorted, d_labels, d_group_ptr, groups, d_discount, d_sums);
                             GROVE_CUDA_CHECK_LAUNCH("RankSweepKernel");
                           });
}

DeviceGroupSums GroupPrAreasOf(StreamView stream, const float* d_scores, const float* d_labels,
                               const std::uint32_t* d_group_ptr, std::size_t groups,
                               std::size_t rows) {
  return SweepSortedGroups(stream, d_scores, d_group_ptr, groups, rows,
                           [&](cudaStream_t s, const std::uint32_t* sorted, double* d_areas) {
                             GroupPrKernel<<<GroupGrid(groups), kGroupThreads, 0, s>>>(
                                 sorted, d_scores, d_labels, d_group_ptr, groups, d_areas);
                             GROVE_CUDA_CHECK_LAUNCH("GroupPrKernel");
                           });
}

DeviceGroupSums GroupPairSumsOf(StreamView stream, const float* d_scores,
                                const std::uint32_t* d_label_order,
                                const std::uint32_t* d_group_ptr, std::size_t groups,
                                std::size_t rows) {
  if (rows == 0 || groups == 0) return {};
  const cudaStream_t s = detail::ToCuda(stream);
  const auto first_nan = NoNaNYet(s);
  detail::ScratchBuffer<double> d_sums(s, groups);
  GROVE_CUDA_CHECK(cudaMemsetAsync(d_sums.data(), 0, groups * sizeof(double), s));
  GroupPairKernel<<<GridBlocks(rows, kThreads, 65535), kThreads, 0, s>>>(
      d_scores, d_label_order, d_group_ptr, groups, rows, d_sums.data(), first_nan.data());
  GROVE_CUDA_CHECK_LAUNCH("GroupPairKernel");
  return ToHost(s, d_sums, groups, first_nan);
}

}  // namespace grove::cuda_impl
