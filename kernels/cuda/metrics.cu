// CUDA evaluation kernels: the objectives' output transform and the row-mean metrics' sums.
// Both use the host's per-row math (kernels/common/objective_math.h, metric_math.h). The sums
// follow metrics/common.h's SumRows: one term per row in parallel, then each kMetricBlockRows
// block summed in row order by one thread, and the block sums added in block order on the
// host, so the double additions are the host's, in the host's order.
#include "kernels/common/metric_math.h"
#include "kernels/cuda/kernels.h"
#include "kernels/cuda/launch.cuh"

namespace grove::cuda_impl {
namespace {

constexpr std::uint32_t kThreads = 256;

__global__ void TransformKernel(ObjectiveMath math, const float* margins, std::size_t rows,
                                float* out) {
  const bool softmax = math.kind == ObjectiveKind::kSoftmax;
  const std::size_t k = softmax ? static_cast<std::size_t>(math.num_class) : 1;
  for (std::size_t r = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; r < rows;
       r += std::size_t{gridDim.x} * blockDim.x) {
    if (!softmax) {
      out[r] = TransformMargin(math.kind, margins[r]);
      continue;
    }
    float* row = out + r * k;
    if (row != margins + r * k) {
      for (std::size_t j = 0; j < k; ++j) row[j] = margins[r * k + j];
    }
    SoftmaxRow(row, math.num_class);
  }
}

// term[i] = w_i * RowTerm(row i): the product metrics/common.h's SumRows adds.
__global__ void TermKernel(RowMetric form, const float* predictions, std::size_t outputs,
                           const float* labels, const float* weights, std::size_t rows,
                           double* terms) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < rows;
       i += std::size_t{gridDim.x} * blockDim.x) {
    const double w = weights != nullptr ? weights[i] : 1.0f;
    terms[i] = w * RowTerm(form, predictions + i * outputs, outputs, labels[i]);
  }
}

// One thread per block of kMetricBlockRows rows, in row order (the loads do not depend on the
// sums, so the unrolled loop keeps several in flight).
__global__ void BlockSumKernel(const double* terms, const float* weights, std::size_t rows,
                               std::size_t blocks, RowMetricSums* out) {
  const std::size_t b = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x;
  if (b >= blocks) return;
  const std::size_t begin = b * kMetricBlockRows;
  const std::size_t end = begin + kMetricBlockRows < rows ? begin + kMetricBlockRows : rows;
  double weighted = 0.0;
  double weight = 0.0;
#pragma unroll 8
  for (std::size_t i = begin; i < end; ++i) {
    weighted += terms[i];
    weight += weights != nullptr ? weights[i] : 1.0f;
  }
  out[b] = RowMetricSums{weighted, weight};
}

}  // namespace

void TransformMargins(StreamView stream, const ObjectiveMath& math, const float* d_margins,
                      std::size_t rows, float* d_out) {
  if (rows == 0) return;
  const cudaStream_t s = detail::ToCuda(stream);
  TransformKernel<<<GridBlocks(rows, kThreads), kThreads, 0, s>>>(math, d_margins, rows, d_out);
  GROVE_CUDA_CHECK_LAUNCH("TransformKernel");
}

RowMetricSums SumRowMetric(StreamView stream, const RowMetric& form, const float* d_predictions,
                           std::size_t outputs, const float* d_labels, const float* d_weights,
                           std::size_t rows) {
  RowMetricSums total;
  if (rows == 0) return total;
  const cudaStream_t s = detail::ToCuda(stream);
  const std::size_t blocks = (rows + kMetricBlockRows - 1) / kMetricBlockRows;
  detail::ScratchBuffer<double> terms(s, rows);
  detail::ScratchBuffer<RowMetricSums> d_sums(s, blocks);
  TermKernel<<<GridBlocks(rows, kThreads), kThreads, 0, s>>>(form, d_predictions, outputs, d_labels,
                                                             d_weights, rows, terms.data());
  GROVE_CUDA_CHECK_LAUNCH("TermKernel");
  constexpr std::uint32_t kSumThreads = 64;
  const auto sum_blocks = static_cast<unsigned>((blocks + kSumThreads - 1) / kSumThreads);
  BlockSumKernel<<<sum_blocks, kSumThreads, 0, s>>>(terms.data(), d_weights, rows, blocks,
                                                    d_sums.data());
  GROVE_CUDA_CHECK_LAUNCH("BlockSumKernel");
  std::vector<RowMetricSums> sums(blocks);
  GROVE_CUDA_CHECK(cudaMemcpyAsync(sums.data(), d_sums.data(), blocks * sizeof(RowMetricSums),
                                   cudaMemcpyDeviceToHost, s));
  GROVE_CUDA_CHECK(cudaStreamSynchronize(s));  // host sync: the block sums are added in order
  for (const RowMetricSums& block : sums) {
    total.weighted += block.weighted;
    total.weight += block.weight;
  }
  return total;
}

}  // namespace grove::cuda_impl
