#include "kernels/cuda/device.h"

#include <cub/device/device_reduce.cuh>
#include <thrust/iterator/transform_iterator.h>
#include <cuda_runtime.h>

#include <memory>

#include "grove/errors.h"
#include "kernels/cuda/cuda_check.cuh"

namespace grove::cuda_impl {
namespace {

struct CudaFree {
  void operator()(void* pointer) const {  // never throws; an ignored error is cleared
    if (cudaFree(pointer) != cudaSuccess) cudaGetLastError();
  }
};
template <typename T>
using DeviceBuffer = std::unique_ptr<T, CudaFree>;

template <typename T>
DeviceBuffer<T> Allocate(std::size_t count) {
  void* pointer = nullptr;
  GROVE_CUDA_CHECK(cudaMalloc(&pointer, count * sizeof(T) + 1));
  return DeviceBuffer<T>(static_cast<T*>(pointer));
}

// Widen to double on the fly so the reduction does not accumulate in float.
struct ToDouble {
  __host__ __device__ double operator()(float value) const { return static_cast<double>(value); }
};

}  // namespace

int DeviceCount() {
  int count = 0;
  // No driver or no device is not an error for a query: report zero devices.
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the (non-sticky) error it left as the last error
    return 0;
  }
  return count;
}

DeviceInfo QueryDevice(int ordinal) {
  cudaDeviceProp properties{};
  GROVE_CUDA_CHECK(cudaGetDeviceProperties(&properties, ordinal));
  GROVE_CUDA_CHECK(cudaSetDevice(ordinal));
  DeviceInfo info;
  info.ordinal = ordinal;
  info.name = properties.name;
  info.compute_major = properties.major;
  info.compute_minor = properties.minor;
  info.multiprocessors = properties.multiProcessorCount;
  GROVE_CUDA_CHECK(cudaMemGetInfo(&info.free_bytes, &info.total_bytes));
  return info;
}

double DeviceSum(int ordinal, std::span<const float> values) {
  GROVE_CUDA_CHECK(cudaSetDevice(ordinal));
  auto d_values = Allocate<float>(values.size());
  auto d_sum = Allocate<double>(1);
  GROVE_CUDA_CHECK(cudaMemcpy(d_values.get(), values.data(), values.size_bytes(),
                              cudaMemcpyHostToDevice));
  // thrust's iterator works with CUB in CUDA 12 and 13 alike (cub's own was removed in 13).
  const auto d_input = thrust::make_transform_iterator(
      static_cast<const float*>(d_values.get()), ToDouble{});
  std::size_t temp_bytes = 0;
  GROVE_CUDA_CHECK(cub::DeviceReduce::Sum(nullptr, temp_bytes, d_input, d_sum.get(),
                                          static_cast<int>(values.size())));
  auto d_temp = Allocate<unsigned char>(temp_bytes);
  GROVE_CUDA_CHECK(cub::DeviceReduce::Sum(d_temp.get(), temp_bytes, d_input, d_sum.get(),
                                          static_cast<int>(values.size())));
  double sum = 0.0;
  // Synchronous copy: the host needs the value now.
  GROVE_CUDA_CHECK(cudaMemcpy(&sum, d_sum.get(), sizeof(double), cudaMemcpyDeviceToHost));
  return sum;
}

}  // namespace grove::cuda_impl
