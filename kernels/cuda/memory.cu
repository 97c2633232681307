// Device memory, devices and streams for host code (device_buffer.h), and the memory check of
// a training job.
#include <cuda_runtime.h>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/device.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/kernels.h"
#include "kernels/cuda/memory_estimate.h"

namespace grove::cuda_impl {

void* DeviceAllocate(std::size_t bytes) {
  void* pointer = nullptr;
  GROVE_CUDA_CHECK(cudaMalloc(&pointer, bytes));
  return pointer;
}

void DeviceFree(void* pointer) noexcept {
  if (pointer != nullptr) cudaFree(pointer);  // an error here cannot be handled: ignored
}

void CopyToDevice(void* d_destination, const void* source, std::size_t bytes) {
  GROVE_CUDA_CHECK(cudaMemcpy(d_destination, source, bytes, cudaMemcpyHostToDevice));
  // From pageable memory cudaMemcpy may return once the data is staged, before the DMA has
  // landed, and kernels on a non-blocking Stream do not wait for the legacy stream: finish it
  // here, so that the data is on the device for every stream when the call returns.
  GROVE_CUDA_CHECK(cudaStreamSynchronize(cudaStreamLegacy));
}

void CopyToHost(void* destination, const void* d_source, std::size_t bytes) {
  GROVE_CUDA_CHECK(cudaMemcpy(destination, d_source, bytes, cudaMemcpyDeviceToHost));
}

void FillZero(StreamView stream, void* d_pointer, std::size_t bytes) {
  GROVE_CUDA_CHECK(cudaMemsetAsync(d_pointer, 0, bytes, static_cast<cudaStream_t>(stream.handle)));
}

void CopyToDeviceOn(StreamView stream, void* d_destination, const void* source, std::size_t bytes) {
  if (bytes == 0) return;
  // From pageable memory the source is staged before the call returns (launch.cuh's Upload
  // relies on the same rule), so the caller may reuse it at once.
  GROVE_CUDA_CHECK(cudaMemcpyAsync(d_destination, source, bytes, cudaMemcpyHostToDevice,
                                   static_cast<cudaStream_t>(stream.handle)));
}

void CopyToHostOn(StreamView stream, void* destination, const void* d_source, std::size_t bytes) {
  if (bytes == 0) return;
  const auto s = static_cast<cudaStream_t>(stream.handle);
  GROVE_CUDA_CHECK(cudaMemcpyAsync(destination, d_source, bytes, cudaMemcpyDeviceToHost, s));
  GROVE_CUDA_CHECK(cudaStreamSynchronize(s));  // the host reads `destination` next
}

void CopyOnDevice(StreamView stream, void* d_destination, const void* d_source, std::size_t bytes) {
  if (bytes == 0) return;
  GROVE_CUDA_CHECK(cudaMemcpyAsync(d_destination, d_source, bytes, cudaMemcpyDeviceToDevice,
                                   static_cast<cudaStream_t>(stream.handle)));
}

void SynchronizeDevice() {
  GROVE_CUDA_CHECK(cudaDeviceSynchronize());
}

int CurrentDevice() {
  int ordinal = 0;
  GROVE_CUDA_CHECK(cudaGetDevice(&ordinal));
  return ordinal;
}

void SetDevice(int ordinal) {
  GROVE_CUDA_CHECK(cudaSetDevice(ordinal));
}

DeviceGuard::~DeviceGuard() {
  cudaSetDevice(previous_);
}  // never throws from a destructor

Stream::Stream() {
  cudaStream_t stream = nullptr;
  GROVE_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  handle_ = stream;
}

Stream::~Stream() {
  if (handle_ != nullptr) cudaStreamDestroy(static_cast<cudaStream_t>(handle_));
}

void Stream::Synchronize() const {
  GROVE_CUDA_CHECK(cudaStreamSynchronize(static_cast<cudaStream_t>(handle_)));
}

PoolRetention::PoolRetention(int ordinal) {
  cudaMemPool_t pool = nullptr;
  GROVE_CUDA_CHECK(cudaDeviceGetMemPool(&pool, ordinal));
  std::uint64_t previous = 0;
  GROVE_CUDA_CHECK(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &previous));
  std::uint64_t keep_all = UINT64_MAX;
  GROVE_CUDA_CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep_all));
  pool_ = pool;
  previous_threshold_ = previous;
}

PoolRetention::~PoolRetention() {  // errors cannot be handled here: ignored
  const auto pool = static_cast<cudaMemPool_t>(pool_);
  std::uint64_t previous = previous_threshold_;
  cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &previous);
  cudaMemPoolTrimTo(pool, 0);
}

std::uint64_t RequireDeviceMemory(int ordinal, const MemoryEstimate& need) {
  const DeviceGuard guard(ordinal);  // QueryDevice makes `ordinal` current; restore the caller's
  const DeviceInfo info = QueryDevice(ordinal);
  CheckDeviceMemory(need, info.free_bytes,
                    "cuda:" + std::to_string(ordinal) + " (" + info.name + ")");
  return info.free_bytes;
}

}  // namespace grove::cuda_impl
