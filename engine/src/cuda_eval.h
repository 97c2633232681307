// engine/src/cuda_eval.h — device=cuda evaluation: every evaluation set's features, labels,
// weights and margin cache live on the GPU next to the training data, each new tree is added
// to the caches there, and each round's metrics run there; only the metric values come back.
//
//   CudaEvaluator eval(session, ctx, transform, math, outputs, metrics, sets);  // uploads once
//   eval.AddTree(tree, output);                  // after every tree (not the training set:
//                                                // its cache is the session's)
//   std::vector<EvalResult> r = eval.Evaluate();  // each round, sets x metrics in order
//
// The row-mean metrics (metrics/row_form.h: rmse, logloss, error, mlogloss, merror, ...) sum
// the host's row terms in the host's blocks (cuda_impl::SumRowMetric); r2 runs its two passes
// (SumR2, SumR2Spread) and the class-decision metrics (precision, recall, f1 and their
// averages, balanced_accuracy) count classes (CountClassRows) likewise; auc and aucpr without
// query groups (binary, or multi-class: each class queued in turn, one wait) sort and sweep on the
// device (cuda_impl::RocCurvesOf, PrCurvesOf), and ndcg, map and auc/aucpr with query groups sort
// or pair each group there (RankSumsOf, GroupPairSumsOf, GroupPrAreasOf; the groups' label-only
// constants are made once, on the host); a NaN score is refused with the host metric's message.
// So every metric CreateMetric makes runs on the device; only the values come back. Before
// training, each metric is also evaluated once on the host from the initial margins, so that
// bad labels get the CPU metric's message (labels do not change during training).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/src/cuda_session.h"
#include "engine/src/objective.h"
#include "grove/dataset.h"
#include "grove/metrics.h"
#include "grove/train.h"
#include "grove/tree.h"
#include "kernels/common/metric_math.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/kernels.h"
#include "metrics/row_form.h"

namespace grove {

/// One evaluation set as the booster holds it.
struct CudaEvalInput {
  std::string name;
  const DataSet* data = nullptr;
  bool is_train = false;                  ///< the training data: the session's cache is used
  std::span<const float> margins;         ///< rows x outputs initial margins (also for train)
  std::span<const std::uint32_t> groups;  ///< query group pointers, or empty
};

/// The device memory the sets take with `metrics` (CudaSession's estimate).
CudaEvalFootprint EvalFootprintOf(std::span<const CudaEvalInput> sets,
                                  std::span<const std::unique_ptr<Metric>> metrics);

class CudaEvaluator {
 public:
  /// Uploads the sets other than the training data and checks every device metric's labels on
  /// the host (InvalidInput as the CPU path gives). `transform`: the objective whose Transform
  /// the metrics see (multi:softprob's for multi:softmax); `math` its per-row math.
  CudaEvaluator(const CudaSession& session, const Context& ctx, const Objective& transform,
                const ObjectiveMath& math, int outputs,
                std::span<const std::unique_ptr<Metric>> metrics,
                std::span<const CudaEvalInput> sets);
  CudaEvaluator(const CudaEvaluator&) = delete;
  CudaEvaluator& operator=(const CudaEvaluator&) = delete;
  ~CudaEvaluator();

  /// Adds one tree's leaves for `output` to every non-training set's device cache.
  void AddTree(const Tree& tree, int output);

  /// Every metric of every set, in the order of `sets` then `metrics`.
  std::vector<EvalResult> Evaluate();

 private:
  enum class Where : std::uint8_t {
    kRowForm,
    kR2,
    kClassCounts,
    kAuc,
    kAucPr,
    kRank,
    kGroupAuc,
    kGroupAucPr,
  };
  /// Which device path evaluates a metric of this form; InternalError for a metric without one.
  static Where WhereOf(const DeviceForm& form, bool grouped, const Metric& metric);
  struct Set {
    CudaEvalInput input;
    std::size_t rows = 0;
    cuda_impl::DeviceMatrix x;
    cuda_impl::DeviceBuffer<float> dense;
    cuda_impl::DeviceBuffer<std::uint64_t> row_ptr;
    cuda_impl::DeviceBuffer<std::uint32_t> col_index;
    cuda_impl::DeviceBuffer<float> values;
    cuda_impl::DeviceBuffer<float> labels;
    cuda_impl::DeviceBuffer<float> weights;  // empty: every row weighs 1
    cuda_impl::DeviceBuffer<float> margins;  // empty for the training data
    std::vector<Where> where;                // one per metric
    std::vector<RankGroups> rank_groups;     // one per metric (kRank, kGroupAuc[Pr] only)
    cuda_impl::DeviceBuffer<std::uint32_t> group_ptr;    // the query groups (those metrics)
    cuda_impl::DeviceBuffer<double> discount;            // RankDiscount(i) (kRank, ndcg)
    cuda_impl::DeviceBuffer<std::uint32_t> label_order;  // RankGroups::label_order (kGroupAuc)
  };

  void Upload(Set& set);
  /// The group metrics' RankGroups; their groups, discount table and label order on the device.
  void PlanRanking(Set& set);
  void CheckOnHost(const Set& set, const Context& ctx, const Objective& transform) const;
  /// auc (pr false) or aucpr of predictions_ (rows x outputs_): binary, or one class against
  /// the rest per class.
  double DeviceAuc(const Metric& metric, bool pr, const float* d_labels, const float* d_weights,
                   std::size_t rows) const;

  const CudaSession& session_;
  ObjectiveMath math_;
  int outputs_;
  std::span<const std::unique_ptr<Metric>> metrics_;
  std::vector<DeviceForm> forms_;  // one per metric (DeviceFormOf)
  std::vector<Set> sets_;
  cuda_impl::DeviceBuffer<float> predictions_;  // the largest set's transformed predictions
};

}  // namespace grove
