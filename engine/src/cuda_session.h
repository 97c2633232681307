// engine/src/cuda_session.h — device=cuda training data for one Train call: the quantized
// matrix, cuts, labels, weights, margins (the training prediction cache), gradients in float
// and fixed point and the row index live on the GPU for the whole job; the booster drives it
// round by round.
//
//   CudaSession session(ctx, params, bins, train, initial_margins, outputs, eval_footprint);
//   session.ComputeGradients();                                 // each round
//   CudaGrowResult grown = session.GrowTree(grower_params, output, ...);   // each tree
//   session.AddToMargins(grown, output);                        // the training cache
//   session.CopyMargins(host_margins);                          // adaptive leaves only
//
// The eval sets (engine/src/cuda_eval.h) read the session's margins, labels and weights for
// "train"; the footprint passed in only enters the memory check.
//
// Data crosses PCIe once per job; per tree only the split candidates, the partition's left
// counts and the root's first-feature histogram come back, and the per-node feature lists go
// out. The trees equal the CPU's for the same fixed-point gradients (engine/src/cuda_grower.h).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/src/cuda_grower.h"
#include "engine/src/cuda_matrix.h"
#include "engine/src/quantize.h"
#include "engine/src/tree_grower.h"
#include "grove/context.h"
#include "grove/dataset.h"
#include "grove/params.h"
#include "grove/tree.h"
#include "kernels/common/objective_math.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/kernels.h"

namespace grove {

/// What the evaluation sets add to the device memory estimate (cuda_impl::TrainingShape).
struct CudaEvalFootprint {
  std::uint64_t rows = 0;           ///< rows of the sets other than the training data
  std::uint64_t feature_bytes = 0;  ///< their features as uploaded, and every set's ranking
                                    ///< groups and discount table (CudaEvaluator)
  std::uint64_t metric_rows = 0;    ///< rows of the largest set evaluated (0: none)
};

class CudaSession {
 public:
  /// Checks the device memory estimate of the job and of `eval` (its evaluation sets; see
  /// CudaEvaluator) — InvalidInput: how much is needed, how much is free — then uploads the
  /// job. `margins`: rows x outputs initial margins.
  CudaSession(const Context& ctx, const TrainParams& params, const BinnedMatrix& bins,
              const DataSet& train, std::span<const float> margins, int outputs,
              const CudaEvalFootprint& eval);
  CudaSession(const CudaSession&) = delete;
  CudaSession& operator=(const CudaSession&) = delete;
  ~CudaSession();

  /// This round's gradients of every output from the device margins.
  void ComputeGradients();

  /// Grows the tree of `output` from this round's gradients. subsample < 1 leaves out the rows
  /// with Random::UniformAt(row_key, r) >= subsample (the CPU booster's row sample): they stay
  /// in the row index with zero gradients, so every row reaches a leaf. `tree_features` and
  /// `stream` as for TreeGrower::Grow. The leaves' rows are ranges of the device row index.
  CudaGrowResult GrowTree(const GrowerParams& params, int output, double subsample,
                          std::uint64_t row_key, std::span<const std::uint32_t> tree_features,
                          std::uint64_t stream, const std::atomic<bool>* cancel);

  /// Adds the grown tree's leaf values (as they are now in grown.tree) to the device margins of
  /// every row in its leaf.
  void AddToMargins(const CudaGrowResult& grown, int output);

  /// The row index of the last grown tree (all rows, grouped by leaf), copied to the host.
  void CopyRowIndex(std::vector<std::uint32_t>& rows) const;

  /// The training margins, rows x outputs, copied to the host.
  void CopyMargins(std::vector<float>& margins) const;

  // Device views for the evaluator (CudaEvaluator): the work of both is queued on Stream().
  int Ordinal() const { return ordinal_; }
  cuda_impl::StreamView Stream() const { return stream_->View(); }
  std::size_t Rows() const { return rows_; }
  const float* DeviceMargins() const { return margins_.data(); }
  const float* DeviceLabels() const { return labels_.data(); }
  const float* DeviceWeights() const { return weights_.size() == 0 ? nullptr : weights_.data(); }

 private:
  int ordinal_;
  const HistogramCuts& cuts_;
  std::size_t rows_;
  int outputs_;
  ObjectiveMath math_;
  std::unique_ptr<cuda_impl::PoolRetention> pool_retention_;  // outlives every buffer
  std::unique_ptr<cuda_impl::Stream> stream_;
  cuda_impl::HistogramPlan plan_;
  std::unique_ptr<DeviceBinnedMatrix> matrix_;
  cuda_impl::DeviceBuffer<float> labels_;
  cuda_impl::DeviceBuffer<float> weights_;  // empty: every row weighs 1
  cuda_impl::DeviceBuffer<float> margins_;
  cuda_impl::DeviceBuffer<GradientPair> gradients_;
  cuda_impl::DeviceBuffer<GradientSum> fixed_;
  cuda_impl::DeviceBuffer<std::uint32_t> all_rows_;  // 0 .. rows-1, copied to rows_index_
  cuda_impl::DeviceBuffer<std::uint32_t> row_index_;
  DeviceHistogramPool histograms_;
  GrowingBuffer<std::uint32_t> features_;
  GrowingBuffer<SplitCandidate> best_;
};

}  // namespace grove
