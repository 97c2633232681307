#include "engine/src/cuda_eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <vector>

#include "engine/src/cuda_predict.h"
#include "engine/src/predict_views.h"
#include "grove/errors.h"
#include "kernels/common/auc_math.h"
#include "kernels/cuda/forest_layout.h"
#include "metrics/row_form.h"

namespace grove {
namespace {

template <typename T>
cuda_impl::DeviceBuffer<T> ToDevice(const std::vector<T>& host) {
  return cuda_impl::DeviceBuffer<T>::FromHost(std::span<const T>(host));
}

std::uint64_t FeatureBytes(const DataSet& data) {
  if (data.IsDense()) return std::uint64_t{data.Dense().values.size()} * sizeof(float);
  const CsrMatrix& m = data.Sparse();
  return std::uint64_t{m.row_ptr.size()} * sizeof(std::uint64_t) +
         std::uint64_t{m.NumEntries()} * (sizeof(std::uint32_t) + sizeof(float));
}

// ndcg's discount table length for a set whose largest query group has `widest` rows: the
// positions any of its ndcg metrics reads, min(@k, widest).
std::size_t DiscountPositions(std::span<const std::unique_ptr<Metric>> metrics,
                              std::size_t widest) {
  std::size_t positions = 0;
  for (const auto& metric : metrics) {
    const std::optional<RankMetric> rank = DeviceFormOf(*metric).rank;
    if (rank && rank->kind == RankKind::kNdcg) {
      positions = std::max(positions, std::min(widest, rank->top_k));
    }
  }
  return positions;
}

// Rows of the largest query group of a set (`groups`: its boundaries, empty for one group).
std::size_t WidestGroup(std::span<const std::uint32_t> groups, std::size_t rows) {
  if (groups.empty()) return rows;
  std::size_t widest = 0;
  for (std::size_t g = 0; g + 1 < groups.size(); ++g) {
    widest = std::max<std::size_t>(widest, groups[g + 1] - groups[g]);
  }
  return widest;
}

// The group metrics' resident buffers of a set: its group boundaries, for ndcg the discount
// table (DiscountPositions doubles), for auc with query groups the label order (one row number
// per row).
std::uint64_t RankingBytes(const CudaEvalInput& set,
                           std::span<const std::unique_ptr<Metric>> metrics) {
  const std::uint64_t rows = set.data->NumRows();
  const std::uint64_t groups = set.groups.empty() ? 1 : set.groups.size() - 1;
  bool any = false, label_order = false;
  for (const auto& metric : metrics) {
    const DeviceForm form = DeviceFormOf(*metric);
    any = any || form.rank.has_value() || (form.auc.has_value() && !set.groups.empty());
    label_order = label_order || (form.auc == true && !set.groups.empty());
  }
  if (!any) return 0;
  const std::uint64_t positions = DiscountPositions(metrics, WidestGroup(set.groups, rows));
  return (groups + 1) * sizeof(std::uint32_t) + positions * sizeof(double) +
         (label_order ? rows * sizeof(std::uint32_t) : 0);
}

}  // namespace

CudaEvalFootprint EvalFootprintOf(std::span<const CudaEvalInput> sets,
                                  std::span<const std::unique_ptr<Metric>> metrics) {
  CudaEvalFootprint footprint;
  for (const CudaEvalInput& set : sets) {
    const std::uint64_t rows = set.data->NumRows();
    footprint.metric_rows = std::max(footprint.metric_rows, rows);
    footprint.feature_bytes += RankingBytes(set, metrics);
    if (set.is_train) continue;
    footprint.rows += rows;
    footprint.feature_bytes += FeatureBytes(*set.data);
  }
  return footprint;
}

CudaEvaluator::CudaEvaluator(const CudaSession& session, const Context& ctx,
                             const Objective& transform, const ObjectiveMath& math, int outputs,
                             std::span<const std::unique_ptr<Metric>> metrics,
                             std::span<const CudaEvalInput> sets)
    : session_(session), math_(math), outputs_(outputs), metrics_(metrics) {
  const cuda_impl::DeviceGuard guard(session_.Ordinal());
  for (const auto& metric : metrics_) forms_.push_back(DeviceFormOf(*metric));
  std::size_t largest = 0;
  for (const CudaEvalInput& input : sets) {
    Set set;
    set.input = input;
    set.rows = input.data->NumRows();
    largest = std::max(largest, set.rows);
    for (std::size_t m = 0; m < metrics_.size(); ++m) {
      set.where.push_back(WhereOf(forms_[m], !input.groups.empty(), *metrics_[m]));
    }
    CheckOnHost(set, ctx, transform);
    Upload(set);
    PlanRanking(set);
    set.input.margins = {};  // uploaded; the booster frees its host copy
    sets_.push_back(std::move(set));
  }
  predictions_ = cuda_impl::DeviceBuffer<float>(largest * static_cast<std::size_t>(outputs_));
  // The uploads are synchronous copies on the legacy stream; the session's stream must see them.
  cuda_impl::SynchronizeDevice();
}

CudaEvaluator::~CudaEvaluator() = default;

CudaEvaluator::Where CudaEvaluator::WhereOf(const DeviceForm& form, bool grouped,
                                            const Metric& metric) {
  if (form.row.has_value()) return Where::kRowForm;
  if (form.r2) return Where::kR2;
  if (form.class_counts) return Where::kClassCounts;
  if (form.rank.has_value()) return Where::kRank;
  if (form.auc.has_value()) {
    const bool roc = *form.auc;
    if (grouped) return roc ? Where::kGroupAuc : Where::kGroupAucPr;
    return roc ? Where::kAuc : Where::kAucPr;
  }
  // Every metric CreateMetric makes has a form (tests/metrics/row_form_test.cc checks).
  throw InternalError(
      fmt::format("metric {} has no device form; device=cuda cannot evaluate it", metric.Name()));
}

void CudaEvaluator::CheckOnHost(const Set& set, const Context& ctx,
                                const Objective& transform) const {
  std::vector<float> outputs(set.input.margins.begin(), set.input.margins.end());
  transform.Transform(ctx, outputs);
  MetricInput input;
  input.predictions = outputs;
  input.labels = set.input.data->labels;
  input.weights = set.input.data->weights;
  input.groups = set.input.groups;
  input.num_outputs = static_cast<std::size_t>(outputs_);
  for (const auto& metric : metrics_) (void)metric->Evaluate(input);
}

void CudaEvaluator::Upload(Set& set) {
  const DataSet& data = *set.input.data;
  set.x.rows = set.rows;
  set.x.cols = data.NumFeatures();
  if (set.input.is_train) {
    GROVE_CHECK(set.rows == session_.Rows(), "the training eval set is the session's data");
    return;
  }
  if (data.IsDense()) {
    set.dense = ToDevice(data.Dense().values);
    set.x.d_dense = set.dense.data();
    set.x.row_stride = data.Dense().cols;
  } else {
    const CsrMatrix& m = data.Sparse();
    try {
      CheckCsrColumnsIncrease(cpu_impl::PredictInput::Csr(m.row_ptr.data(), m.col_index.data(),
                                                          m.values.data(), m.rows, m.cols),
                              0, m.rows);
    } catch (const InvalidInput& e) {
      throw InvalidInput(fmt::format("eval set {}: {}", set.input.name, e.what()));
    }
    set.row_ptr = ToDevice(m.row_ptr);
    set.col_index = ToDevice(m.col_index);
    set.values = ToDevice(m.values);
    set.x.d_row_ptr = set.row_ptr.data();
    set.x.d_col_index = set.col_index.data();
    set.x.d_values = set.values.data();
  }
  set.labels = ToDevice(data.labels);
  set.weights = ToDevice(data.weights);
  set.margins = cuda_impl::DeviceBuffer<float>::FromHost(set.input.margins);
}

void CudaEvaluator::PlanRanking(Set& set) {
  MetricInput input;  // labels, weights and groups: the constants do not read predictions
  input.labels = set.input.data->labels;
  input.weights = set.input.data->weights;
  input.groups = set.input.groups;
  input.num_outputs = static_cast<std::size_t>(outputs_);
  set.rank_groups.resize(metrics_.size());
  for (std::size_t m = 0; m < metrics_.size(); ++m) {
    const Where where = set.where[m];
    if (where != Where::kRank && where != Where::kGroupAuc && where != Where::kGroupAucPr) {
      continue;
    }
    const DeviceForm& form = forms_[m];
    RankGroups& groups = set.rank_groups[m];
    groups = form.rank_groups(input);
    if (set.group_ptr.size() == 0) set.group_ptr = ToDevice(groups.ptr);
    if (where == Where::kGroupAuc && set.label_order.size() == 0) {
      set.label_order = ToDevice(groups.label_order);
    }
  }
  std::vector<double> discount(
      DiscountPositions(metrics_, WidestGroup(set.input.groups, set.rows)));
  for (std::size_t i = 0; i < discount.size(); ++i) discount[i] = RankDiscount(i);
  set.discount = ToDevice(discount);
}

void CudaEvaluator::AddTree(const Tree& tree, int output) {
  const cuda_impl::DeviceGuard guard(session_.Ordinal());
  const cpu_impl::PredictTree view = PredictViewOf(tree, output);
  for (Set& set : sets_) {
    if (set.input.is_train) continue;
    const cuda_impl::FlatForest flat = cuda_impl::FlattenForest(std::span(&view, 1), set.x.cols,
                                                                static_cast<std::size_t>(outputs_));
    GROVE_CHECK(flat.tree_leaf_size.front() == 0, "boosted trees have scalar leaves");
    cuda_impl::AddTreeMargins(session_.Stream(), flat.nodes, set.x, outputs_, output,
                              set.margins.data());
  }
}

double CudaEvaluator::DeviceAuc(const Metric& metric, bool pr, const float* d_labels,
                                const float* d_weights, std::size_t rows) const {
  const auto k = static_cast<std::size_t>(outputs_);
  // One curve per class (one in the binary case), combined as metrics/auc.cc combines them;
  // the first NaN over all classes is the host's first NaN in row-major order.
  if (pr) {
    const cuda_impl::DevicePrCurves r =
        cuda_impl::PrCurvesOf(session_.Stream(), predictions_.data(), k, d_labels, d_weights, rows);
    if (r.nan_index) ThrowNaNPrediction(metric.Name(), *r.nan_index / k, *r.nan_index % k, k);
    if (k == 1) return FinishPr(r.areas.front(), r.totals.front());
    double sum = 0.0;  // multi-class: the plain mean, NaN if a class has none
    for (std::size_t c = 0; c < k; ++c) sum += FinishPr(r.areas[c], r.totals[c]);
    return sum / static_cast<double>(k);
  }
  const cuda_impl::DeviceRocCurves r =
      cuda_impl::RocCurvesOf(session_.Stream(), predictions_.data(), k, d_labels, d_weights, rows);
  if (r.nan_index) ThrowNaNPrediction(metric.Name(), *r.nan_index / k, *r.nan_index % k, k);
  if (k == 1) return FinishRoc(r.curves.front());
  OneVsRestRoc ovr;
  for (const RocCurve& curve : r.curves) ovr.Add(curve);
  return ovr.Finish();
}

std::vector<EvalResult> CudaEvaluator::Evaluate() {
  const cuda_impl::DeviceGuard guard(session_.Ordinal());
  const cuda_impl::StreamView stream = session_.Stream();
  const auto k = static_cast<std::size_t>(outputs_);
  std::vector<EvalResult> results;
  for (Set& set : sets_) {
    const bool train = set.input.is_train;
    const float* d_margins = train ? session_.DeviceMargins() : set.margins.data();
    const float* d_labels = train ? session_.DeviceLabels() : set.labels.data();
    const float* d_weights = train                     ? session_.DeviceWeights()
                             : set.weights.size() == 0 ? nullptr
                                                       : set.weights.data();
    cuda_impl::TransformMargins(stream, math_, d_margins, set.rows, predictions_.data());
    for (std::size_t m = 0; m < metrics_.size(); ++m) {
      const Metric& metric = *metrics_[m];
      double value = 0.0;
      switch (set.where[m]) {
        case Where::kRowForm: {
          const RowMetric& form = *forms_[m].row;
          const cuda_impl::RowMetricSums sums = cuda_impl::SumRowMetric(
              stream, form, predictions_.data(), k, d_labels, d_weights, set.rows);
          value = FinishRowMetric(form, sums.weighted, sums.weight);
          break;
        }
        case Where::kR2: {  // one output: the host check before training made sure
          const R2Sums sums =
              cuda_impl::SumR2(stream, predictions_.data(), d_labels, d_weights, set.rows);
          value = std::numeric_limits<double>::quiet_NaN();
          if (R2Defined(set.rows, sums)) {
            const double mean = sums.label / sums.weight;
            value =
                FinishR2(sums, cuda_impl::SumR2Spread(stream, mean, d_labels, d_weights, set.rows));
          }
          break;
        }
        case Where::kClassCounts:
          value = forms_[m].class_counts(cuda_impl::CountClassRows(stream, predictions_.data(), k,
                                                                   d_labels, d_weights, set.rows),
                                         set.rows);
          break;
        case Where::kRank: {
          const RankMetric& rank = *forms_[m].rank;
          const RankGroups& groups = set.rank_groups[m];
          if (set.rows == 0) {
            value = std::numeric_limits<double>::quiet_NaN();  // as the host metric
            break;
          }
          const cuda_impl::DeviceGroupSums sums = cuda_impl::RankSumsOf(
              stream, rank, predictions_.data(), d_labels, set.group_ptr.data(),
              groups.ptr.size() - 1, set.discount.size() == 0 ? nullptr : set.discount.data(),
              set.rows);
          if (sums.nan_index) ThrowNaNPrediction(metric.Name(), *sums.nan_index, 0, 1);
          value = FinishRank(rank, groups, sums.sums);
          break;
        }
        case Where::kGroupAuc:
        case Where::kGroupAucPr: {
          const bool roc = set.where[m] == Where::kGroupAuc;
          const RankGroups& groups = set.rank_groups[m];
          if (set.rows == 0) {
            value = std::numeric_limits<double>::quiet_NaN();  // as the host metric
            break;
          }
          const std::size_t count = groups.ptr.size() - 1;
          const cuda_impl::DeviceGroupSums sums =
              roc ? cuda_impl::GroupPairSumsOf(stream, predictions_.data(), set.label_order.data(),
                                               set.group_ptr.data(), count, set.rows)
                  : cuda_impl::GroupPrAreasOf(stream, predictions_.data(), d_labels,
                                              set.group_ptr.data(), count, set.rows);
          if (sums.nan_index) ThrowNaNPrediction(metric.Name(), *sums.nan_index, 0, 1);
          value = FinishGroupAuc(roc, groups, sums.sums);
          break;
        }
        case Where::kAuc:
        case Where::kAucPr:
          value = DeviceAuc(metric, set.where[m] == Where::kAucPr, d_labels, d_weights, set.rows);
          break;
      }
      results.push_back(EvalResult{set.input.name, metric.Name(), value});
    }
  }
  return results;
}

}  // namespace grove
