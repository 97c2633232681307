// engine/src/cuda_forest.h — random-forest trees grown on the GPU (algorithm=random_forest with
// device=cuda): the same trees as the CPU's TreeGrower with a ForestSplitter, bit for bit for
// gini and squared error.
//
//   CudaForestSession session(ctx, bins, labels, layout, max_features);  // once per job
//   GrowResult grown = session.GrowTree(grower_params, layout, rules, stream, values, rows,
//                                       cancel);                         // per tree
//
// The quantized matrix, cuts and labels are uploaded once. Per tree the in-bag rows and their
// fixed-point channel values go up, and the row index grouped by leaf comes back at the end
// (forest.cc fills the leaves from it on the host). Per level, the node sums, each visited batch
// of features' split results and the partition's left counts come back. The growth order is
// grow_order.h's, the node rules forest_visit.h's, the split scan kernels/common/impurity_scan.h
// — all shared with the CPU.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/src/cuda_grower.h"
#include "engine/src/cuda_matrix.h"
#include "engine/src/forest_visit.h"
#include "engine/src/quantize.h"
#include "engine/src/tree_grower.h"
#include "grove/context.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/impurity_split.h"

namespace grove {

class CudaForestSession {
 public:
  /// Checks the device memory estimate — InvalidInput naming how much is needed and how much is
  /// free — logs both, then uploads the matrix, cuts and labels to ctx.device.
  CudaForestSession(const Context& ctx, const BinnedMatrix& bins, std::span<const float> labels,
                    const ImpurityLayout& layout, int max_features);
  CudaForestSession(const CudaForestSession&) = delete;
  CudaForestSession& operator=(const CudaForestSession&) = delete;
  ~CudaForestSession();

  /// Grows one tree. `values`: rows x layout.pairs fixed-point values (zero out of bag);
  /// `rows`: the in-bag rows, ascending. Returns what TreeGrower::Grow returns for a
  /// ForestSplitter: the tree (leaf values 0), its rows grouped by leaf, the leaves' ranges and
  /// the split bins. Throws GrowCancelled when `cancel` is raised.
  GrowResult GrowTree(const GrowerParams& params, const ImpurityLayout& layout,
                      const ForestSplitRules& rules, std::uint64_t stream,
                      std::span<const GradientSum> values, std::vector<std::uint32_t> rows,
                      const std::atomic<bool>* cancel);

 private:
  int ordinal_;
  const BinnedMatrix& bins_;
  std::size_t pairs_;
  bool regression_;
  std::unique_ptr<cuda_impl::PoolRetention> pool_retention_;  // outlives every buffer
  std::unique_ptr<cuda_impl::Stream> stream_;
  std::unique_ptr<DeviceBinnedMatrix> matrix_;
  cuda_impl::DeviceBuffer<float> labels_;
  cuda_impl::DeviceBuffer<GradientSum> values_;
  cuda_impl::DeviceBuffer<std::uint32_t> rows_;
  GrowingBuffer<GradientSum> histograms_;
};

}  // namespace grove
