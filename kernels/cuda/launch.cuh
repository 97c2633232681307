// kernels/cuda/launch.cuh — what every CUDA launcher shares: the stream from a StreamView and
// stream-ordered scratch memory (cudaMallocAsync), so that per-call buffers cost no device sync.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <span>
#include <utility>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/device_buffer.h"

namespace grove::cuda_impl::detail {

inline cudaStream_t ToCuda(StreamView stream) {
  return static_cast<cudaStream_t>(stream.handle);
}

/// An attribute of device `ordinal` (cudaDeviceGetAttribute, checked).
inline int DeviceAttribute(cudaDeviceAttr attribute, int ordinal) {
  int value = 0;
  GROVE_CUDA_CHECK(cudaDeviceGetAttribute(&value, attribute, ordinal));
  return value;
}

/// Scratch memory ordered on one stream: allocated and freed in stream order, never throws
/// from its destructor.
template <typename T>
class ScratchBuffer {
 public:
  ScratchBuffer(cudaStream_t stream, std::size_t size) : stream_(stream), size_(size) {
    if (size > 0) {
      void* pointer = nullptr;
      GROVE_CUDA_CHECK(cudaMallocAsync(&pointer, size * sizeof(T), stream));
      data_ = static_cast<T*>(pointer);
    }
  }
  ScratchBuffer(ScratchBuffer&& other) noexcept
      : stream_(other.stream_),
        size_(std::exchange(other.size_, 0)),
        data_(std::exchange(other.data_, nullptr)) {}
  ScratchBuffer(const ScratchBuffer&) = delete;
  ScratchBuffer& operator=(const ScratchBuffer&) = delete;
  ScratchBuffer& operator=(ScratchBuffer&&) = delete;
  ~ScratchBuffer() {
    // An ignored error is cleared, so that the next launch check does not report it.
    if (data_ != nullptr && cudaFreeAsync(data_, stream_) != cudaSuccess) cudaGetLastError();
  }
  T* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  cudaStream_t stream_;
  std::size_t size_;
  T* data_ = nullptr;
};

/// Copies a small host list to fresh scratch memory. From pageable memory the copy is staged
/// before the call returns, so the host list may be released right after.
template <typename T>
ScratchBuffer<T> Upload(cudaStream_t stream, std::span<const T> host) {
  ScratchBuffer<T> buffer(stream, host.size());
  if (!host.empty()) {
    GROVE_CUDA_CHECK(cudaMemcpyAsync(buffer.data(), host.data(), host.size_bytes(),
                                     cudaMemcpyHostToDevice, stream));
  }
  return buffer;
}

/// CUB's two-phase calls: `call(temp, bytes)` is made once to size the temporary storage and
/// once to run.
template <typename Call>
void WithTempStorage(cudaStream_t stream, Call&& call) {
  std::size_t bytes = 0;
  GROVE_CUDA_CHECK(call(static_cast<void*>(nullptr), bytes));
  ScratchBuffer<unsigned char> temp(stream, bytes == 0 ? 1 : bytes);
  GROVE_CUDA_CHECK(call(static_cast<void*>(temp.data()), bytes));
}

}  // namespace grove::cuda_impl::detail
