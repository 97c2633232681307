// CUDA objective loops: one thread per row (a softmax row's k outputs stay with one thread, as
// the math needs the row's maximum and sum), the per-row math of kernels/common/objective_math.h,
// and the gradient quantization.
// Built with --fmad=false so that a * b + c is rounded twice, as on the host.
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include <cub/device/device_reduce.cuh>

#include "kernels/cuda/kernels.h"
#include "kernels/cuda/launch.cuh"

namespace grove::cuda_impl {
namespace {

constexpr std::uint32_t kThreads = 256;

__global__ void SingleOutputKernel(ObjectiveMath math, const float* margins, const float* labels,
                                   const float* weights, std::size_t rows,
                                   GradientPair* gradients) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < rows;
       i += std::size_t{gridDim.x} * blockDim.x) {
    const float w = weights != nullptr ? weights[i] : 1.0f;
    gradients[i] = RowGradient(math, margins[i], labels[i], w);
  }
}

__global__ void SoftmaxKernel(int k, const float* margins, const float* labels,
                              const float* weights, std::size_t rows, GradientPair* gradients) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < rows;
       i += std::size_t{gridDim.x} * blockDim.x) {
    const float w = weights != nullptr ? weights[i] : 1.0f;
    const std::size_t offset = i * static_cast<std::size_t>(k);
    SoftmaxRowGradients(margins + offset, k, labels[i], w, gradients + offset);
  }
}

struct AbsColumn {
  const GradientPair* gradients;
  int outputs;
  int output;
  __host__ __device__ GradientMaxima operator()(std::size_t i) const {
    const GradientPair g = gradients[i * outputs + output];
    return GradientMaxima{fabs(static_cast<double>(g.grad)), fabs(static_cast<double>(g.hess))};
  }
};

// fmax drops a NaN operand, as the host's std::max(kept, value) drops a NaN value: the maximum
// of the values that are not NaN, in any reduction order.
struct MaxOf {
  __host__ __device__ GradientMaxima operator()(const GradientMaxima& a,
                                                const GradientMaxima& b) const {
    return GradientMaxima{fmax(a.grad, b.grad), fmax(a.hess, b.hess)};
  }
};

__global__ void QuantizeKernel(GradientQuantizer quantizer, const GradientPair* gradients,
                               std::size_t rows, int outputs, int output, GradientSum* fixed) {
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < rows;
       i += std::size_t{gridDim.x} * blockDim.x) {
    fixed[i] = quantizer.ToFixed(gradients[i * outputs + output]);
  }
}

}  // namespace

void ComputeGradients(StreamView stream, const ObjectiveMath& math, const float* d_margins,
                      const float* d_labels, const float* d_weights, std::size_t rows,
                      GradientPair* d_gradients) {
  if (rows == 0) return;
  const cudaStream_t s = detail::ToCuda(stream);
  const std::uint32_t blocks = GridBlocks(rows, kThreads);
  if (math.kind == ObjectiveKind::kSoftmax) {
    GROVE_CHECK(math.num_class >= 1, "softmax needs at least one class");
    SoftmaxKernel<<<blocks, kThreads, 0, s>>>(math.num_class, d_margins, d_labels, d_weights, rows,
                                              d_gradients);
    GROVE_CUDA_CHECK_LAUNCH("SoftmaxKernel");
  } else {
    SingleOutputKernel<<<blocks, kThreads, 0, s>>>(math, d_margins, d_labels, d_weights, rows,
                                                   d_gradients);
    GROVE_CUDA_CHECK_LAUNCH("SingleOutputKernel");
  }
}

GradientMaxima MaxAbsGradients(StreamView stream, const GradientPair* d_gradients, std::size_t rows,
                               int outputs, int output) {
  if (rows == 0) return {};
  const cudaStream_t s = detail::ToCuda(stream);
  const auto input = thrust::make_transform_iterator(thrust::counting_iterator<std::size_t>(0),
                                                     AbsColumn{d_gradients, outputs, output});
  detail::ScratchBuffer<GradientMaxima> d_result(s, 1);
  detail::WithTempStorage(s, [&](void* temp, std::size_t& bytes) {
    return cub::DeviceReduce::Reduce(temp, bytes, input, d_result.data(), rows, MaxOf{},
                                     GradientMaxima{}, s);
  });
  GradientMaxima result;
  GROVE_CUDA_CHECK(
      cudaMemcpyAsync(&result, d_result.data(), sizeof(result), cudaMemcpyDeviceToHost, s));
  GROVE_CUDA_CHECK(cudaStreamSynchronize(s));  // the host chooses the quantizer from it
  return result;
}

void QuantizeGradients(StreamView stream, const GradientQuantizer& quantizer,
                       const GradientPair* d_gradients, std::size_t rows, int outputs, int output,
                       GradientSum* d_fixed) {
  if (rows == 0) return;
  const cudaStream_t s = detail::ToCuda(stream);
  QuantizeKernel<<<GridBlocks(rows, kThreads), kThreads, 0, s>>>(quantizer, d_gradients, rows,
                                                                 outputs, output, d_fixed);
  GROVE_CUDA_CHECK_LAUNCH("QuantizeKernel");
}

}  // namespace grove::cuda_impl
