// CUDA evaluation kernels: the objectives' output transform, the row-mean metrics' sums, r2's
// two passes and the class-decision metrics' class counts. All use the host's per-row math
// (kernels/common/objective_math.h, metric_math.h). The sums follow metrics/common.h's
// SumRows: each kMetricBlockRows block summed in row order by one thread, and the block sums
// added in block order on the host, so the double additions are the host's, in its order.
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

// r2's first pass, one thread per block.
__global__ void R2BlockKernel(const float* predictions, const float* labels, const float* weights,
                              std::size_t rows, std::size_t blocks, R2Sums* out) {
  const std::size_t b = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x;
  if (b >= blocks) return;
  const std::size_t begin = b * kMetricBlockRows;
  const std::size_t end = begin + kMetricBlockRows < rows ? begin + kMetricBlockRows : rows;
  R2Sums sums;
#pragma unroll 4
  for (std::size_t i = begin; i < end; ++i) {
    AddR2Row(sums, labels[i], predictions[i], weights != nullptr ? weights[i] : 1.0f);
  }
  out[b] = sums;
}

// r2's second pass, one thread per block.
__global__ void R2SpreadKernel(double mean, const float* labels, const float* weights,
                               std::size_t rows, std::size_t blocks, double* out) {
  const std::size_t b = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x;
  if (b >= blocks) return;
  const std::size_t begin = b * kMetricBlockRows;
  const std::size_t end = begin + kMetricBlockRows < rows ? begin + kMetricBlockRows : rows;
  double spread = 0.0;
#pragma unroll 4
  for (std::size_t i = begin; i < end; ++i) {
    spread += R2SpreadTerm(labels[i], mean, weights != nullptr ? weights[i] : 1.0f);
  }
  out[b] = spread;
}

__global__ void PredictedClassKernel(const float* predictions, std::size_t outputs,
                                     std::size_t rows, std::uint32_t* out) {
  for (std::size_t r = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; r < rows;
       r += std::size_t{gridDim.x} * blockDim.x) {
    out[r] = static_cast<std::uint32_t>(
        grove::detail::PredictedClassOf(predictions + r * outputs, outputs));
  }
}

// One (block, class)'s share of ClassCounts.
struct ClassBlockSums {
  double hit = 0.0;
  double truth = 0.0;
  double predicted = 0.0;
  std::uint8_t seen = 0;
};

// One thread per (block, class), classes fastest so that a warp reads the same rows: the
// class's three sums over the block in row order. The host adds `label == pred ? w : 0.0` to
// the label's hit for every row; the +0.0 terms leave a sum of weights >= 0 unchanged, so
// adding only the hits gives its bits.
__global__ void ClassBlockKernel(const std::uint32_t* predicted, const float* labels,
                                 const float* weights, std::size_t rows, std::size_t blocks,
                                 std::size_t classes, ClassBlockSums* out) {
  const std::size_t t = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x;
  if (t >= blocks * classes) return;
  const std::size_t b = t / classes;
  const std::size_t c = t % classes;
  const std::size_t begin = b * kMetricBlockRows;
  const std::size_t end = begin + kMetricBlockRows < rows ? begin + kMetricBlockRows : rows;
  ClassBlockSums sums;
  for (std::size_t i = begin; i < end; ++i) {
    const bool truth = static_cast<std::size_t>(labels[i]) == c;
    const bool pred = predicted[i] == c;
    if (!truth && !pred) continue;
    const double w = weights != nullptr ? weights[i] : 1.0f;
    sums.seen = 1;
    if (truth) sums.truth += w;
    if (pred) sums.predicted += w;
    if (truth && pred) sums.hit += w;
  }
  out[t] = sums;
}

// The blocks' results, copied to the host once the kernels before them are done.
template <typename T>
std::vector<T> BlocksToHost(cudaStream_t s, const detail::ScratchBuffer<T>& d_blocks,
                            std::size_t blocks) {
  std::vector<T> host(blocks);
  GROVE_CUDA_CHECK(
      cudaMemcpyAsync(host.data(), d_blocks.data(), blocks * sizeof(T), cudaMemcpyDeviceToHost, s));
  GROVE_CUDA_CHECK(cudaStreamSynchronize(s));  // host sync: the block sums are added in order
  return host;
}

// blocks x classes sums (classes fastest), added block by block as ClassCounts::Add adds them.
void AddClassBlocks(const std::vector<ClassBlockSums>& sums, ClassCounts& total) {
  const std::size_t classes = total.hit.size();
  for (std::size_t t = 0; t < sums.size(); ++t) {
    const std::size_t c = t % classes;
    total.hit[c] += sums[t].hit;
    total.truth[c] += sums[t].truth;
    total.predicted[c] += sums[t].predicted;
    total.seen[c] |= sums[t].seen;
  }
}

std::size_t MetricBlocks(std::size_t rows) {
  return (rows + kMetricBlockRows - 1) / kMetricBlockRows;
}

constexpr std::uint32_t kSumThreads = 64;

unsigned SumGrid(std::size_t threads) {
  return static_cast<unsigned>((threads + kSumThreads - 1) / kSumThreads);
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
  const std::size_t blocks = MetricBlocks(rows);
  detail::ScratchBuffer<double> terms(s, rows);
  detail::ScratchBuffer<RowMetricSums> d_sums(s, blocks);
  TermKernel<<<GridBlocks(rows, kThreads), kThreads, 0, s>>>(form, d_predictions, outputs, d_labels,
                                                             d_weights, rows, terms.data());
  GROVE_CUDA_CHECK_LAUNCH("TermKernel");
  BlockSumKernel<<<SumGrid(blocks), kSumThreads, 0, s>>>(terms.data(), d_weights, rows, blocks,
                                                         d_sums.data());
  GROVE_CUDA_CHECK_LAUNCH("BlockSumKernel");
  for (const RowMetricSums& block : BlocksToHost(s, d_sums, blocks)) {
    total.weighted += block.weighted;
    total.weight += block.weight;
  }
  return total;
}

R2Sums SumR2(StreamView stream, const float* d_predictions, const float* d_labels,
             const float* d_weights, std::size_t rows) {
  R2Sums total;
  if (rows == 0) return total;
  const cudaStream_t s = detail::ToCuda(stream);
  const std::size_t blocks = MetricBlocks(rows);
  detail::ScratchBuffer<R2Sums> d_sums(s, blocks);
  R2BlockKernel<<<SumGrid(blocks), kSumThreads, 0, s>>>(d_predictions, d_labels, d_weights, rows,
                                                        blocks, d_sums.data());
  GROVE_CUDA_CHECK_LAUNCH("R2BlockKernel");
  for (const R2Sums& block : BlocksToHost(s, d_sums, blocks)) {
    total.residual += block.residual;
    total.label += block.label;
    total.weight += block.weight;
  }
  return total;
}

double SumR2Spread(StreamView stream, double mean, const float* d_labels, const float* d_weights,
                   std::size_t rows) {
  double total = 0.0;
  if (rows == 0) return total;
  const cudaStream_t s = detail::ToCuda(stream);
  const std::size_t blocks = MetricBlocks(rows);
  detail::ScratchBuffer<double> d_sums(s, blocks);
  R2SpreadKernel<<<SumGrid(blocks), kSumThreads, 0, s>>>(mean, d_labels, d_weights, rows, blocks,
                                                         d_sums.data());
  GROVE_CUDA_CHECK_LAUNCH("R2SpreadKernel");
  for (const double block : BlocksToHost(s, d_sums, blocks)) total += block;
  return total;
}

ClassCounts CountClassRows(StreamView stream, const float* d_predictions, std::size_t outputs,
                           const float* d_labels, const float* d_weights, std::size_t rows) {
  const std::size_t classes = ClassesOf(outputs);
  ClassCounts total(classes);
  if (rows == 0) return total;
  const cudaStream_t s = detail::ToCuda(stream);
  const std::size_t blocks = MetricBlocks(rows);
  detail::ScratchBuffer<std::uint32_t> predicted(s, rows);
  detail::ScratchBuffer<ClassBlockSums> d_sums(s, blocks * classes);
  PredictedClassKernel<<<GridBlocks(rows, kThreads), kThreads, 0, s>>>(d_predictions, outputs, rows,
                                                                       predicted.data());
  GROVE_CUDA_CHECK_LAUNCH("PredictedClassKernel");
  ClassBlockKernel<<<SumGrid(blocks * classes), kSumThreads, 0, s>>>(
      predicted.data(), d_labels, d_weights, rows, blocks, classes, d_sums.data());
  GROVE_CUDA_CHECK_LAUNCH("ClassBlockKernel");
  AddClassBlocks(BlocksToHost(s, d_sums, blocks * classes), total);
  return total;
}

}  // namespace grove::cuda_impl
