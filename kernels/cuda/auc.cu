// CUDA binary ROC AUC, metrics/auc.cc's definition: rows in descending score order (a stable
// radix sort of order-preserving keys, so ties keep row order), cumulative positive and negative
// weight by inclusive scans in double, and one trapezoid per run of equal scores, closed at the
// run's last row from the cumulative weights at the previous run's end.
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include <cmath>
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_reduce.cuh>
#include <cub/device/device_scan.cuh>
#include <limits>

#include "kernels/cuda/kernels.h"
#include "kernels/cuda/launch.cuh"

namespace grove::cuda_impl {
namespace {

constexpr std::uint32_t kThreads = 256;

struct Cumulative {
  double tp;
  double fp;
};

struct AddCumulative {
  __host__ __device__ Cumulative operator()(const Cumulative& a, const Cumulative& b) const {
    return Cumulative{a.tp + b.tp, a.fp + b.fp};
  }
};

struct MaxIndex {
  __host__ __device__ std::uint32_t operator()(std::uint32_t a, std::uint32_t b) const {
    return a > b ? a : b;
  }
};

// metrics/score_order.cc's DescendingKey: ascending keys are descending scores, -0 == +0.
__global__ void KeyKernel(const float* scores, std::size_t rows, std::uint32_t* keys,
                          std::uint32_t* ids) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < rows;
       i += std::size_t{gridDim.x} * blockDim.x) {
    const float f = scores[i] == 0.0f ? 0.0f : scores[i];
    const std::uint32_t bits = __float_as_uint(f);
    const std::uint32_t ascending = (bits & 0x80000000u) != 0 ? ~bits : (bits | 0x80000000u);
    keys[i] = ~ascending;
    ids[i] = static_cast<std::uint32_t>(i);
  }
}

__global__ void WeightKernel(const std::uint32_t* keys, const std::uint32_t* ids,
                             const float* labels, const float* weights, std::size_t rows,
                             Cumulative* weight, std::uint32_t* run_start) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < rows;
       i += std::size_t{gridDim.x} * blockDim.x) {
    const double y = labels[ids[i]];
    const double w = weights != nullptr ? weights[ids[i]] : 1.0f;
    weight[i] = Cumulative{y * w, (1.0 - y) * w};
    run_start[i] = (i == 0 || keys[i] != keys[i - 1]) ? static_cast<std::uint32_t>(i) : 0U;
  }
}

struct Trapezoid {
  const std::uint32_t* keys;
  const Cumulative* cumulative;
  const std::uint32_t* run_start;
  std::size_t rows;
  __host__ __device__ double operator()(std::size_t i) const {
    if (i + 1 < rows && keys[i + 1] == keys[i]) return 0.0;  // not the end of a run
    const std::uint32_t s = run_start[i];
    const Cumulative prev = s == 0 ? Cumulative{0.0, 0.0} : cumulative[s - 1];
    const Cumulative now = cumulative[i];
    return (now.fp - prev.fp) * (now.tp + prev.tp) * 0.5;
  }
};

}  // namespace

double BinaryRocAuc(StreamView stream, const float* d_scores, const float* d_labels,
                    const float* d_weights, std::size_t rows) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (rows == 0) return nan;
  GROVE_CHECK(rows < INT32_MAX, "the CUDA AUC handles fewer than 2^31 rows");
  const cudaStream_t s = detail::ToCuda(stream);
  const int n = static_cast<int>(rows);
  detail::ScratchBuffer<std::uint32_t> keys_in(s, rows), keys(s, rows), ids_in(s, rows),
      ids(s, rows);
  const std::uint32_t blocks = GridBlocks(rows, kThreads, 65535);
  KeyKernel<<<blocks, kThreads, 0, s>>>(d_scores, rows, keys_in.data(), ids_in.data());
  GROVE_CUDA_CHECK_LAUNCH("KeyKernel");
  detail::WithTempStorage(s, [&](void* temp, std::size_t& bytes) {
    return cub::DeviceRadixSort::SortPairs(temp, bytes, keys_in.data(), keys.data(), ids_in.data(),
                                           ids.data(), n, 0, 32, s);
  });
  detail::ScratchBuffer<Cumulative> weight(s, rows), cumulative(s, rows);
  detail::ScratchBuffer<std::uint32_t> starts(s, rows), run_start(s, rows);
  WeightKernel<<<blocks, kThreads, 0, s>>>(keys.data(), ids.data(), d_labels, d_weights, rows,
                                           weight.data(), starts.data());
  GROVE_CUDA_CHECK_LAUNCH("WeightKernel");
  detail::WithTempStorage(s, [&](void* temp, std::size_t& bytes) {
    return cub::DeviceScan::InclusiveScan(temp, bytes, weight.data(), cumulative.data(),
                                          AddCumulative{}, n, s);
  });
  detail::WithTempStorage(s, [&](void* temp, std::size_t& bytes) {
    return cub::DeviceScan::InclusiveScan(temp, bytes, starts.data(), run_start.data(), MaxIndex{},
                                          n, s);
  });
  const auto areas = thrust::make_transform_iterator(
      thrust::counting_iterator<std::size_t>(0),
      Trapezoid{keys.data(), cumulative.data(), run_start.data(), rows});
  detail::ScratchBuffer<double> area(s, 1);
  detail::WithTempStorage(s, [&](void* temp, std::size_t& bytes) {
    return cub::DeviceReduce::Sum(temp, bytes, areas, area.data(), n, s);
  });
  double h_area = 0.0;
  Cumulative h_total{};
  GROVE_CUDA_CHECK(
      cudaMemcpyAsync(&h_area, area.data(), sizeof(double), cudaMemcpyDeviceToHost, s));
  GROVE_CUDA_CHECK(cudaMemcpyAsync(&h_total, cumulative.data() + rows - 1, sizeof(Cumulative),
                                   cudaMemcpyDeviceToHost, s));
  GROVE_CUDA_CHECK(cudaStreamSynchronize(s));  // the metric is a host value
  return h_total.fp > 0.0 && h_total.tp > 0.0 ? h_area / (h_total.fp * h_total.tp) : nan;
}

}  // namespace grove::cuda_impl
