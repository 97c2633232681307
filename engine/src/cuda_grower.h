// engine/src/cuda_grower.h — grows one regression tree on the GPU with the kernels of
// kernels/cuda/kernels.h, making the CPU grower's decisions (engine/src/grow_rules.h) so that
// the tree is the CPU's for the same fixed-point gradients.
//
//   CudaTreeInputs in{...};                       // device views of the job (CudaSession)
//   CudaGrowResult grown = GrowTreeOnDevice(in, params, quantizer, tree_features, stream,
//                                           cancel);
//   // grown.tree: the tree (leaf values times eta); grown.leaves: rows of in.d_rows per leaf
//
// Depthwise growth handles a whole level per kernel call: one EvaluateSplits, one
// PartitionRows, one BuildHistograms (the smaller child of every split) and one
// SubtractHistograms (the larger child: parent minus smaller, exact in fixed point). Lossguide
// growth expands one node at a time in the CPU's best-first order. The host keeps the tree,
// the node bookkeeping and the column sampling; histograms, gradients and the row index stay
// on the device. Host syncs per level: the split candidates and the partition's left counts
// come back (a few hundred bytes), plus the root histogram's first feature once per tree.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/src/grow_order.h"
#include "engine/src/quantize.h"
#include "engine/src/tree_grower.h"
#include "grove/tree.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/kernels.h"

namespace grove {

/// Histogram buffers on the device, total_bins entries each, reused across nodes and trees.
class DeviceHistogramPool {
 public:
  explicit DeviceHistogramPool(std::uint32_t total_bins = 0) : total_bins_(total_bins) {}
  /// A free slot (allocating one when none is free).
  int Take();
  void Give(int slot);
  /// Every slot free again (the start of a tree; also recovers from a cancelled tree).
  void GiveAll();
  GradientSum* Data(int slot) { return slots_[static_cast<std::size_t>(slot)].data(); }
  std::size_t Slots() const { return slots_.size(); }

 private:
  std::uint32_t total_bins_;
  std::vector<cuda_impl::DeviceBuffer<GradientSum>> slots_;
  std::vector<int> free_;
};

/// A device buffer that only grows (per-level scratch: feature lists, split candidates, forest
/// split batch histograms). It grows to at least twice its size, but not past `cap` elements
/// unless one request needs more; the old buffer is freed before the new one is allocated (its
/// contents are not kept), so at most one is alive. Reserve may only be called when no queued
/// work still uses the buffer.
template <typename T>
class GrowingBuffer {
 public:
  GrowingBuffer() = default;
  explicit GrowingBuffer(std::size_t cap) : cap_(cap) {}

  T* Reserve(std::size_t size) {
    if (size > buffer_.size()) {
      const std::size_t grown = std::max(size, std::min(2 * buffer_.size(), cap_));
      buffer_ = cuda_impl::DeviceBuffer<T>();
      buffer_ = cuda_impl::DeviceBuffer<T>(grown);
    }
    return buffer_.data();
  }
  std::size_t Capacity() const { return buffer_.size(); }

 private:
  std::size_t cap_ = SIZE_MAX;
  cuda_impl::DeviceBuffer<T> buffer_;
};

/// What the grower reads and writes on the device; owned by CudaSession.
struct CudaTreeInputs {
  cuda_impl::StreamView stream;
  const HistogramCuts* cuts = nullptr;  ///< host cuts (missing bins, feature 0's bins)
  BinnedView bins;                      ///< device pointers
  CutsView d_cuts;                      ///< device pointers
  const cuda_impl::HistogramPlan* plan = nullptr;
  const GradientSum* d_fixed = nullptr;  ///< one per matrix row
  std::uint32_t* d_rows = nullptr;       ///< the row index: ascending rows on entry
  std::uint32_t rows = 0;                ///< entries of d_rows
  DeviceHistogramPool* histograms = nullptr;
  GrowingBuffer<std::uint32_t>* d_features = nullptr;
  GrowingBuffer<SplitCandidate>* d_best = nullptr;
};

struct CudaGrowResult {
  Tree tree;
  std::vector<LeafRows> leaves;  ///< each leaf's rows: [begin, end) of the device row index
};

/// A node of the device growers (boosting and forests): rows [begin, end) of the device row
/// index; its histogram, if any, is a DeviceHistogramPool slot.
using DeviceGrowNode = detail::GrowNode<std::uint32_t, int>;

/// grow_order.h's Expand step on the device: partitions every parent's rows of `d_rows` in one
/// PartitionRows call (left rows, then right rows, each in order), writes the splits into
/// `tree` and `split_bin`, and returns the children in node order (left, right, left, ...).
std::vector<DeviceGrowNode> ExpandOnDevice(cuda_impl::StreamView stream, const BinnedView& d_bins,
                                           std::uint32_t* d_rows, const HistogramCuts& cuts,
                                           const GrowerParams& params,
                                           const GradientQuantizer& quantizer, Tree& tree,
                                           std::vector<std::uint32_t>& split_bin,
                                           std::vector<DeviceGrowNode>& parents);

/// Grows one tree. `tree_features`: colsample_bytree's features, ascending; `stream` seeds the
/// level and node column sampling exactly as TreeGrower::Grow's. Throws GrowCancelled when
/// `cancel` is raised.
CudaGrowResult GrowTreeOnDevice(const CudaTreeInputs& in, const GrowerParams& params,
                                const GradientQuantizer& quantizer,
                                std::span<const std::uint32_t> tree_features, std::uint64_t stream,
                                const std::atomic<bool>* cancel);

}  // namespace grove
