// kernels/cuda/device_buffer.h — device memory, devices and streams from plain C++ (host code
// compiled by the C++ compiler can use them; the CUDA calls live in memory.cu).
//
//   DeviceGuard guard(ctx.device.ordinal);                 // cudaSetDevice, restored on exit
//   Stream stream;                                         // an owned cudaStream_t
//   auto d_labels = DeviceBuffer<float>::FromHost(labels); // cudaMalloc + copy
//   ... kernels on stream.View() ...
//   stream.Synchronize();
//   std::vector<float> h_labels = d_labels.ToHost();       // synchronous copy back
//
// Every failure throws DeviceError naming the CUDA call, file and line. Destructors never throw
// (a failed cudaFree is ignored: nothing sensible can be done about it there; the error is
// cleared, so that the next launch check does not report it as its own). In a build
// without CUDA every call throws InvalidInput("this build has no CUDA support; ...").
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace grove::cuda_impl {

/// A CUDA stream handle without CUDA headers (a cudaStream_t); nullptr = the default stream.
struct StreamView {
  void* handle = nullptr;
};

void* DeviceAllocate(std::size_t bytes);
void DeviceFree(void* pointer) noexcept;
/// Synchronous copies (the host may read or reuse its buffer when they return; CopyToDevice's
/// data is then visible to kernels on every stream).
void CopyToDevice(void* d_destination, const void* source, std::size_t bytes);
void CopyToHost(void* destination, const void* d_source, std::size_t bytes);
void FillZero(StreamView stream, void* d_pointer, std::size_t bytes);
/// Stream-ordered copies: they run after the work already queued on `stream` (the synchronous
/// copies above use the legacy default stream, which a non-blocking Stream does not wait for).
/// CopyToDeviceOn returns when `source` may be reused; CopyToHostOn synchronizes the stream,
/// so `destination` holds the data when it returns; CopyOnDevice is asynchronous.
void CopyToDeviceOn(StreamView stream, void* d_destination, const void* source, std::size_t bytes);
void CopyToHostOn(StreamView stream, void* destination, const void* d_source, std::size_t bytes);
void CopyOnDevice(StreamView stream, void* d_destination, const void* d_source, std::size_t bytes);
void SynchronizeDevice();
int CurrentDevice();
void SetDevice(int ordinal);

/// Owns `size` elements of device memory; move-only. Element type must be trivially copyable.
template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t size)
      : data_(size == 0 ? nullptr : static_cast<T*>(DeviceAllocate(size * sizeof(T)))),
        size_(size) {}
  static DeviceBuffer FromHost(std::span<const T> host) {
    DeviceBuffer buffer(host.size());
    if (!host.empty()) CopyToDevice(buffer.data_, host.data(), host.size_bytes());
    return buffer;
  }
  DeviceBuffer(DeviceBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
    if (this != &other) {
      DeviceFree(data_);
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() { DeviceFree(data_); }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::size_t bytes() const { return size_ * sizeof(T); }

  /// Synchronous copy of the whole buffer to the host, on the legacy default stream: work queued
  /// on a non-blocking Stream must be synchronized first.
  std::vector<T> ToHost() const {
    std::vector<T> host(size_);
    if (size_ > 0) CopyToHost(host.data(), data_, bytes());
    return host;
  }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

/// Makes `ordinal` the current device for the guard's scope and then restores the previous
/// one, unless that device has no context yet: since CUDA 12 cudaSetDevice creates one, which
/// would cost a GPU the thread never used (device 0, for a cuda:1 job) its memory.
class DeviceGuard {
 public:
  explicit DeviceGuard(int ordinal) : previous_(CurrentDevice()), switched_(previous_ != ordinal) {
    if (switched_) SetDevice(ordinal);
  }
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;
  ~DeviceGuard();

 private:
  int previous_;
  bool switched_;
};

/// An owned, non-blocking CUDA stream on the current device.
class Stream {
 public:
  Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream();
  StreamView View() const { return StreamView{handle_}; }
  /// Waits until all work queued on the stream has finished (an explicit host sync).
  void Synchronize() const;

 private:
  void* handle_ = nullptr;
};

/// While alive, the memory pool that serves device `ordinal`'s stream-ordered scratch (the
/// kernels' cudaMallocAsync buffers) keeps up to kMemoryReserveBytes of the memory freed into
/// it for the next allocation instead of returning it to the driver at every synchronisation
/// (its release threshold is 0 by default, and a tree level synchronises several times); the
/// memory estimate's reserve counts what it keeps. Retentions of one device nest, across
/// threads too: the last to end restores the pool's threshold and releases its unused memory.
/// A training session holds one.
class PoolRetention {
 public:
  explicit PoolRetention(int ordinal);
  PoolRetention(const PoolRetention&) = delete;
  PoolRetention& operator=(const PoolRetention&) = delete;
  ~PoolRetention();

 private:
  int ordinal_;
};

}  // namespace grove::cuda_impl
