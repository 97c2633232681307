// CUDA row subsampling for the booster: the rows the CPU's row sample leaves out get zero
// fixed-point gradients (one thread per row, the same counter-based draw as the host).
#include "kernels/common/counter_random.h"
#include "kernels/cuda/kernels.h"
#include "kernels/cuda/launch.cuh"

namespace grove::cuda_impl {
namespace {

constexpr std::uint32_t kThreads = 256;

__global__ void ZeroUnsampledKernel(std::uint64_t stream_key, double fraction, std::size_t rows,
                                    GradientSum* fixed) {
  for (std::size_t r = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; r < rows;
       r += std::size_t{gridDim.x} * blockDim.x) {
    // The booster keeps row r when CounterUniform(key, r) < subsample.
    if (!(CounterUniform(stream_key, r) < fraction)) fixed[r] = GradientSum{};
  }
}

}  // namespace

void ZeroUnsampledRows(StreamView stream, std::uint64_t stream_key, double fraction,
                       std::size_t rows, GradientSum* d_fixed) {
  if (rows == 0) return;
  const cudaStream_t s = detail::ToCuda(stream);
  ZeroUnsampledKernel<<<GridBlocks(rows, kThreads), kThreads, 0, s>>>(stream_key, fraction, rows,
                                                                      d_fixed);
  GROVE_CUDA_CHECK_LAUNCH("ZeroUnsampledKernel");
}

}  // namespace grove::cuda_impl
