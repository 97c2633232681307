// A host emulation of the kernels/cuda interface for the cuda_emulated_tests binary: "device"
// memory is host memory, streams do nothing, and every kernel is its cpu_impl twin (or the
// plain loop its comment in kernels/cuda/kernels.h describes). Linked ahead of
// libgrove_kernels_cuda.a, it replaces the CUDA objects, so that the [cuda] training tests run
// the whole device=cuda path (booster, CudaSession, the CUDA grower's level batching, histogram
// pool and subtraction, partition bookkeeping, row sample, prediction cache) on a machine
// without a GPU. With the CPU's kernels underneath, every model must be the CPU's bit for bit.
// What it cannot check is the CUDA kernels themselves: the [cuda] kernel tests do that on a GPU.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <vector>

#include "grove/errors.h"
#include "grove/metrics.h"
#include "kernels/common/auc_math.h"
#include "kernels/common/counter_random.h"
#include "kernels/cuda/device.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/kernels.h"
#include "kernels/cuda/memory_estimate.h"
#include "kernels/gradient.h"
#include "kernels/histogram.h"
#include "kernels/impurity_split.h"
#include "kernels/split.h"
#include "kernels/subset_histogram.h"
#include "metrics/score_order.h"

namespace grove::cuda_impl {
namespace {

Context HostContext() {
  Context ctx;
  ctx.nthread = 2;
  return ctx;
}

[[noreturn]] void NotEmulated(const char* call) {
  throw InternalError(std::string(call) + " is not part of the host emulation");
}

}  // namespace

int DeviceCount() {
  return 1;
}
DeviceInfo QueryDevice(int ordinal) {
  DeviceInfo info;
  info.ordinal = ordinal;
  info.name = "host emulation";
  info.total_bytes = std::size_t{1} << 40;
  info.free_bytes = info.total_bytes;
  return info;
}
double DeviceSum(int, std::span<const float>) {
  NotEmulated("DeviceSum");
}

void* DeviceAllocate(std::size_t bytes) {
  return std::calloc(1, bytes == 0 ? 1 : bytes);
}
void DeviceFree(void* pointer) noexcept {
  std::free(pointer);
}
void CopyToDevice(void* d_destination, const void* source, std::size_t bytes) {
  if (bytes > 0) std::memcpy(d_destination, source, bytes);
}
void CopyToHost(void* destination, const void* d_source, std::size_t bytes) {
  if (bytes > 0) std::memcpy(destination, d_source, bytes);
}
void FillZero(StreamView, void* d_pointer, std::size_t bytes) {
  if (bytes > 0) std::memset(d_pointer, 0, bytes);
}
void CopyToDeviceOn(StreamView, void* d_destination, const void* source, std::size_t bytes) {
  CopyToDevice(d_destination, source, bytes);
}
void CopyToHostOn(StreamView, void* destination, const void* d_source, std::size_t bytes) {
  CopyToHost(destination, d_source, bytes);
}
void CopyOnDevice(StreamView, void* d_destination, const void* d_source, std::size_t bytes) {
  CopyToDevice(d_destination, d_source, bytes);
}
void SynchronizeDevice() {}
int CurrentDevice() {
  return 0;
}
void SetDevice(int) {}
DeviceGuard::~DeviceGuard() = default;
Stream::Stream() = default;
Stream::~Stream() = default;
void Stream::Synchronize() const {}
PoolRetention::PoolRetention(int ordinal) : ordinal_(ordinal) {}
PoolRetention::~PoolRetention() = default;

void ComputeGradients(StreamView, const ObjectiveMath& math, const float* d_margins,
                      const float* d_labels, const float* d_weights, std::size_t rows,
                      GradientPair* d_gradients) {
  const std::size_t k = math.kind == ObjectiveKind::kSoftmax ? math.num_class : 1;
  cpu_impl::ComputeGradients(
      HostContext(), math, std::span(d_margins, rows * k), std::span(d_labels, rows),
      d_weights != nullptr ? std::span(d_weights, rows) : std::span<const float>(),
      std::span(d_gradients, rows * k));
}

GradientMaxima MaxAbsGradients(StreamView, const GradientPair* d_gradients, std::size_t rows,
                               int outputs, int output) {
  GradientMaxima maxima;
  for (std::size_t i = 0; i < rows; ++i) {
    const GradientPair g = d_gradients[i * outputs + output];
    maxima.grad = std::max(maxima.grad, std::fabs(static_cast<double>(g.grad)));
    maxima.hess = std::max(maxima.hess, std::fabs(static_cast<double>(g.hess)));
  }
  return maxima;
}

void QuantizeGradients(StreamView, const GradientQuantizer& quantizer,
                       const GradientPair* d_gradients, std::size_t rows, int outputs, int output,
                       GradientSum* d_fixed) {
  for (std::size_t i = 0; i < rows; ++i)
    d_fixed[i] = quantizer.ToFixed(d_gradients[i * outputs + output]);
}

void ZeroUnsampledRows(StreamView, std::uint64_t stream_key, double fraction, std::size_t rows,
                       GradientSum* d_fixed) {
  for (std::size_t r = 0; r < rows; ++r) {
    if (!(CounterUniform(stream_key, r) < fraction)) d_fixed[r] = GradientSum{};
  }
}

HistogramPlan MakeHistogramPlan(int, std::span<const std::uint32_t> h_feature_offsets) {
  HistogramPlan plan;
  plan.total_bins = h_feature_offsets.empty() ? 0 : h_feature_offsets.back();
  return plan;
}

void BuildHistograms(StreamView, const HistogramPlan& plan, const HistogramBatch& batch) {
  GROVE_CHECK(plan.total_bins == batch.bins.total_bins, "histogram plan made for another matrix");
  std::vector<HistogramTask> tasks;
  for (const HistogramNode& node : batch.nodes) {
    tasks.push_back(HistogramTask{std::span(batch.d_rows + node.row_begin, node.row_count),
                                  std::span(node.d_histogram, plan.total_bins)});
  }
  cpu_impl::BuildHistograms(HostContext(), batch.bins,
                            std::span(batch.d_gradients, batch.bins.rows), tasks);
}

void SubtractHistograms(StreamView, std::uint32_t total_bins,
                        std::span<const SubtractionTask> tasks) {
  for (const SubtractionTask& task : tasks) {
    for (std::uint32_t i = 0; i < total_bins; ++i)
      task.d_out[i] = task.d_parent[i] - task.d_child[i];
  }
}

void EvaluateSplits(StreamView, const SplitBatch& batch) {
  const std::uint32_t total_bins = batch.cuts.feature_offsets[batch.cuts.features];
  std::vector<SplitTask> tasks;
  for (const SplitNode& node : batch.nodes) {
    tasks.push_back(SplitTask{std::span(node.d_histogram, total_bins), node.node_sum,
                              std::span(node.d_features, node.num_features), node.bounds,
                              node.parent_gain});
  }
  cpu_impl::EvaluateSplits(HostContext(), batch.cuts, batch.params, batch.quantizer, batch.monotone,
                           tasks, std::span(batch.d_best, batch.nodes.size()));
}

void PartitionRows(StreamView, const BinnedView& bins, std::uint32_t* d_rows,
                   std::span<const PartitionNode> nodes, std::span<std::uint32_t> left_counts) {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const PartitionNode& node = nodes[i];
    SplitCandidate decision;
    decision.split_bin = node.split_bin;
    decision.missing_left = node.missing_left;
    std::uint32_t* first = d_rows + node.row_begin;
    std::uint32_t* middle =
        std::stable_partition(first, first + node.row_count, [&](std::uint32_t row) {
          return decision.GoesLeft(bins.LocalBin(row, node.feature), node.missing_bin);
        });
    left_counts[i] = static_cast<std::uint32_t>(middle - first);
  }
}

void PredictMargins(StreamView, const DeviceForest&, const float*, std::size_t, std::size_t,
                    std::size_t, const float*, float*) {
  NotEmulated("PredictMargins");
}
void AddColumn(StreamView, const float*, std::size_t, int, int, float*) {
  NotEmulated("AddColumn");
}

void UpdatePredictionCache(StreamView, const std::uint32_t* d_rows,
                           std::span<const LeafSegment> leaves, int outputs, int output,
                           float* d_margins) {
  for (const LeafSegment& leaf : leaves) {
    for (std::uint32_t k = leaf.begin; k < leaf.end; ++k) {
      d_margins[std::size_t{d_rows[k]} * outputs + output] += leaf.value;
    }
  }
}

namespace {

// CsrValue / TreeLeafValue of predict.cu: a binary search of the row's columns, NaN if absent.
float ValueAt(const DeviceMatrix& x, std::size_t r, std::uint32_t feature) {
  if (x.d_dense != nullptr) return x.d_dense[r * x.row_stride + feature];
  const std::uint32_t* first = x.d_col_index + x.d_row_ptr[r];
  const std::uint32_t* last = x.d_col_index + x.d_row_ptr[r + 1];
  const std::uint32_t* at = std::lower_bound(first, last, feature);
  return at != last && *at == feature ? x.d_values[at - x.d_col_index] : NAN;
}

// predict.cu's LeafOf.
std::int32_t LeafOf(const FlatNode* tree, const DeviceMatrix& x, std::size_t r) {
  std::int32_t n = 0;
  while (tree[n].child[0] >= 0) {
    const FlatNode node = tree[n];
    const float v = ValueAt(x, r, node.feature & kFeatureMask);
    const bool left = v < node.cond || (std::isnan(v) && (node.feature & kDefaultLeftBit) != 0);
    n = node.child[left ? 0 : 1];
  }
  return n;
}

}  // namespace

void AddTreeMargins(StreamView, std::span<const FlatNode> h_tree, const DeviceMatrix& x,
                    int outputs, int output, float* d_margins) {
  for (std::size_t r = 0; r < x.rows; ++r) {
    d_margins[r * outputs + output] += 0.0f + h_tree[LeafOf(h_tree.data(), x, r)].cond;
  }
}

void PredictMargins(StreamView, const DeviceForest& forest, const DeviceMatrix& x,
                    const float* d_base_margin, float* d_out) {
  const std::size_t k = forest.outputs;
  for (std::size_t r = 0; r < x.rows; ++r) {
    float* margins = d_out + r * k;
    for (std::size_t j = 0; j < k; ++j) margins[j] = d_base_margin ? d_base_margin[j] : 0.0f;
    for (std::size_t t = 0; t < forest.trees; ++t) {
      const FlatNode* tree = forest.nodes.data() + forest.tree_begin.data()[t];
      const std::int32_t leaf = LeafOf(tree, x, r);
      if (forest.tree_leaf_size.data()[t] == 0) {
        margins[forest.tree_group.data()[t]] += tree[leaf].cond;
      } else {
        const float* values = forest.leaf_vectors.data() + forest.tree_leaf_vector.data()[t] +
                              static_cast<std::size_t>(leaf) * k;
        for (std::size_t j = 0; j < k; ++j) margins[j] += values[j];
      }
    }
  }
}

void PredictLeaves(StreamView, const DeviceForest& forest, const DeviceMatrix& x, float* d_out) {
  for (std::size_t r = 0; r < x.rows; ++r) {
    for (std::size_t t = 0; t < forest.trees; ++t) {
      const FlatNode* tree = forest.nodes.data() + forest.tree_begin.data()[t];
      d_out[r * forest.trees + t] = static_cast<float>(LeafOf(tree, x, r));
    }
  }
}

void TransformMargins(StreamView, const ObjectiveMath& math, const float* d_margins,
                      std::size_t rows, float* d_out) {
  const std::size_t k = math.kind == ObjectiveKind::kSoftmax ? math.num_class : 1;
  if (d_out != d_margins) std::copy(d_margins, d_margins + rows * k, d_out);
  cpu_impl::TransformMargins(HostContext(), math, std::span(d_out, rows * k));
}

RowMetricSums SumRowMetric(StreamView, const RowMetric& form, const float* d_predictions,
                           std::size_t outputs, const float* d_labels, const float* d_weights,
                           std::size_t rows) {
  RowMetricSums total;
  for (std::size_t begin = 0; begin < rows; begin += kMetricBlockRows) {
    RowMetricSums block;
    for (std::size_t i = begin; i < std::min(rows, begin + kMetricBlockRows); ++i) {
      const double w = d_weights != nullptr ? d_weights[i] : 1.0f;
      block.weighted += w * RowTerm(form, d_predictions + i * outputs, outputs, d_labels[i]);
      block.weight += w;
    }
    total.weighted += block.weighted;
    total.weight += block.weight;
  }
  return total;
}

R2Sums SumR2(StreamView, const float* d_predictions, const float* d_labels, const float* d_weights,
             std::size_t rows) {
  R2Sums total;
  for (std::size_t begin = 0; begin < rows; begin += kMetricBlockRows) {
    R2Sums block;
    for (std::size_t i = begin; i < std::min(rows, begin + kMetricBlockRows); ++i) {
      AddR2Row(block, d_labels[i], d_predictions[i], d_weights != nullptr ? d_weights[i] : 1.0f);
    }
    total.residual += block.residual;
    total.label += block.label;
    total.weight += block.weight;
  }
  return total;
}

double SumR2Spread(StreamView, double mean, const float* d_labels, const float* d_weights,
                   std::size_t rows) {
  double total = 0.0;
  for (std::size_t begin = 0; begin < rows; begin += kMetricBlockRows) {
    double block = 0.0;
    for (std::size_t i = begin; i < std::min(rows, begin + kMetricBlockRows); ++i) {
      block += R2SpreadTerm(d_labels[i], mean, d_weights != nullptr ? d_weights[i] : 1.0f);
    }
    total += block;
  }
  return total;
}

// The device's order (kernels/cuda/metrics.cu): per block, each class on its own, adding only
// the rows that are the class's by label or prediction.
ClassCounts CountClassRows(StreamView, const float* d_predictions, std::size_t outputs,
                           const float* d_labels, const float* d_weights, std::size_t rows) {
  const std::size_t classes = ClassesOf(outputs);
  ClassCounts total(classes);
  for (std::size_t begin = 0; begin < rows; begin += kMetricBlockRows) {
    ClassCounts block(classes);
    for (std::size_t c = 0; c < classes; ++c) {
      for (std::size_t i = begin; i < std::min(rows, begin + kMetricBlockRows); ++i) {
        const bool truth = static_cast<std::size_t>(d_labels[i]) == c;
        const bool pred =
            grove::detail::PredictedClassOf(d_predictions + i * outputs, outputs) == c;
        if (!truth && !pred) continue;
        const double w = d_weights != nullptr ? d_weights[i] : 1.0f;
        block.seen[c] = 1;
        if (truth) block.truth[c] += w;
        if (pred) block.predicted[c] += w;
        if (truth && pred) block.hit[c] += w;
      }
    }
    total.Add(block);
  }
  return total;
}

// The device's steps (kernels/cuda/ranking.cu): one stable sort of all rows by (group, score
// key), where the host metrics sort each group on its own, then one sweep per group.
std::optional<std::size_t> SortGroups(const float* d_scores, const std::uint32_t* d_group_ptr,
                                      std::size_t groups, std::size_t rows,
                                      std::vector<std::uint32_t>& ids) {
  std::vector<std::uint64_t> keys(rows);
  for (std::size_t g = 0; g < groups; ++g) {
    for (std::size_t i = d_group_ptr[g]; i < d_group_ptr[g + 1]; ++i) {
      if (std::isnan(d_scores[i])) return i;
      keys[i] = (std::uint64_t{g} << 32) | DescendingScoreKey(d_scores[i]);
    }
  }
  ids.resize(rows);
  std::iota(ids.begin(), ids.end(), 0u);
  std::stable_sort(ids.begin(), ids.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
  return std::nullopt;
}

template <class Sweep>
DeviceGroupSums SweepGroups(const float* d_scores, const std::uint32_t* d_group_ptr,
                            std::size_t groups, std::size_t rows, const Sweep& sweep) {
  DeviceGroupSums result;
  if (rows == 0 || groups == 0) return result;
  std::vector<std::uint32_t> ids;
  result.nan_index = SortGroups(d_scores, d_group_ptr, groups, rows, ids);
  if (result.nan_index) return result;
  for (std::size_t g = 0; g < groups; ++g) {
    result.sums.push_back(sweep(ids.data() + d_group_ptr[g], d_group_ptr[g + 1] - d_group_ptr[g]));
  }
  return result;
}

DeviceGroupSums RankSumsOf(StreamView, const RankMetric& metric, const float* d_scores,
                           const float* d_labels, const std::uint32_t* d_group_ptr,
                           std::size_t groups, const double* d_discount, std::size_t rows) {
  return SweepGroups(d_scores, d_group_ptr, groups, rows,
                     [&](const std::uint32_t* group, std::size_t n) {
                       return RankSweep(
                           metric, n, [&](std::size_t i) { return d_labels[group[i]]; },
                           [&](std::size_t i) { return d_discount[i]; });
                     });
}

DeviceGroupSums GroupPrAreasOf(StreamView, const float* d_scores, const float* d_labels,
                               const std::uint32_t* d_group_ptr, std::size_t groups,
                               std::size_t rows) {
  return SweepGroups(
      d_scores, d_group_ptr, groups, rows, [&](const std::uint32_t* group, std::size_t n) {
        return GroupPrArea(
            n, [&](std::size_t i) { return d_labels[group[i]]; },
            [&](std::size_t i) { return d_scores[group[i]] == d_scores[group[i - 1]]; });
      });
}

// One partial sum per position, as the device's threads, added to the group's sum.
DeviceGroupSums GroupPairSumsOf(StreamView, const float* d_scores,
                                const std::uint32_t* d_label_order,
                                const std::uint32_t* d_group_ptr, std::size_t groups,
                                std::size_t rows) {
  DeviceGroupSums result;
  if (rows == 0 || groups == 0) return result;
  for (std::size_t i = 0; i < rows; ++i) {
    if (std::isnan(d_scores[i])) {
      result.nan_index = i;
      return result;
    }
  }
  result.sums.assign(groups, 0.0);
  for (std::size_t g = 0; g < groups; ++g) {
    for (std::size_t p = d_group_ptr[g]; p < d_group_ptr[g + 1]; ++p) {
      double sum = 0.0;
      for (std::size_t q = p + 1; q < d_group_ptr[g + 1]; ++q) {
        sum += PairScore(d_scores[d_label_order[p]], d_scores[d_label_order[q]]);
      }
      result.sums[g] += sum;
    }
  }
  return result;
}

namespace {

// The device's steps on the host (kernels/cuda/auc.cu): a stable sort by score key (the host
// metric's ScoreOrder, as CUB's radix sort orders), the blocks found as RowKernel finds them,
// one sweep per block and the blocks added in order. The tests compare them with the host
// metric, whose blocks come from TieAlignedBlocks instead.
struct EmulatedColumn {
  metric_impl::ScoreOrder order;
  std::vector<std::uint32_t> begin;  // per block: its first tie-run start, or kEmptyRocBlock
  std::vector<RocCurve> part;        // per block: SweepRoc's curve

  auto Row() const {
    return [this](std::size_t i) { return RocRow{order[i].key, order[i].label, order[i].weight}; };
  }
  std::size_t End(std::size_t b) const {
    return RocBlockEnd(begin.data(), begin.size(), b, order.size());
  }
};

EmulatedColumn SortColumn(const float* d_scores, std::size_t stride, std::size_t column,
                          const float* d_labels, int positive_class, const float* d_weights,
                          std::size_t rows) {
  EmulatedColumn sorted;
  sorted.order.Sort(
      "auc", std::span(d_scores, rows * stride), stride, column, std::span(d_labels, rows),
      d_weights != nullptr ? std::span(d_weights, rows) : std::span<const float>(), positive_class);
  const std::size_t blocks = (rows + kAucBlockRows - 1) / kAucBlockRows;
  sorted.begin.assign(blocks, kEmptyRocBlock);
  for (std::size_t i = 0; i < rows; ++i) {
    std::uint32_t& b = sorted.begin[i / kAucBlockRows];
    if (i == 0 || sorted.order[i].key != sorted.order[i - 1].key) {
      b = std::min(b, static_cast<std::uint32_t>(i));
    }
  }
  sorted.part.resize(blocks);
  for (std::size_t b = 0; b < blocks; ++b) {
    if (sorted.begin[b] != kEmptyRocBlock) {
      sorted.part[b] = SweepRoc(sorted.begin[b], sorted.End(b), sorted.Row());
    }
  }
  return sorted;
}

// The first NaN among the rows x columns scores, in row-major order (KeyKernel's atomicMin).
std::optional<std::size_t> FirstNaN(const float* d_scores, std::size_t columns, std::size_t rows) {
  for (std::size_t at = 0; at < rows * columns; ++at) {
    if (std::isnan(d_scores[at])) return at;
  }
  return std::nullopt;
}

int PositiveClass(std::size_t columns, std::size_t c) {
  return columns == 1 ? -1 : static_cast<int>(c);
}

}  // namespace

DeviceRocCurves RocCurvesOf(StreamView, const float* d_scores, std::size_t columns,
                            const float* d_labels, const float* d_weights, std::size_t rows) {
  DeviceRocCurves result;
  result.curves.resize(columns);
  if (rows == 0 || columns == 0) return result;
  result.nan_index = FirstNaN(d_scores, columns, rows);
  if (result.nan_index) {
    result.curves.clear();
    return result;
  }
  for (std::size_t c = 0; c < columns; ++c) {
    const EmulatedColumn sorted =
        SortColumn(d_scores, columns, c, d_labels, PositiveClass(columns, c), d_weights, rows);
    for (const RocCurve& part : sorted.part) AddRocBlock(result.curves[c], part);
  }
  return result;
}

DevicePrCurves PrCurvesOf(StreamView, const float* d_scores, std::size_t columns,
                          const float* d_labels, const float* d_weights, std::size_t rows) {
  DevicePrCurves result;
  result.areas.resize(columns);
  result.totals.resize(columns);
  if (rows == 0 || columns == 0) return result;
  result.nan_index = FirstNaN(d_scores, columns, rows);
  if (result.nan_index) {
    result.areas.clear();
    result.totals.clear();
    return result;
  }
  for (std::size_t c = 0; c < columns; ++c) {
    const EmulatedColumn sorted =
        SortColumn(d_scores, columns, c, d_labels, PositiveClass(columns, c), d_weights, rows);
    RocCurve& totals = result.totals[c];
    std::vector<RocCurve> start(sorted.part.size());
    for (std::size_t b = 0; b < sorted.part.size(); ++b) {
      start[b] = totals;
      totals.neg += sorted.part[b].neg;
      totals.pos += sorted.part[b].pos;
    }
    for (std::size_t b = 0; b < sorted.part.size(); ++b) {
      if (sorted.begin[b] == kEmptyRocBlock) continue;
      result.areas[c] += SweepPr(sorted.begin[b], sorted.End(b), start[b].neg, start[b].pos,
                                 totals.pos, sorted.Row());
    }
  }
  return result;
}

void SumForestNodes(StreamView, const GradientSum* d_values, std::size_t pairs,
                    const float* d_labels, const std::uint32_t* d_rows,
                    std::span<const ForestNodeRows> nodes, std::span<GradientSum> h_sums,
                    std::span<std::uint8_t> h_uniform) {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const std::uint32_t* rows = d_rows + nodes[i].row_begin;
    GradientSum* sum = h_sums.data() + i * pairs;
    std::fill_n(sum, pairs, GradientSum{});
    bool uniform = true;
    for (std::uint32_t k = 0; k < nodes[i].row_count; ++k) {
      for (std::size_t p = 0; p < pairs; ++p) sum[p] += d_values[std::size_t{rows[k]} * pairs + p];
      if (d_labels != nullptr) uniform = uniform && d_labels[rows[k]] == d_labels[rows[0]];
    }
    if (d_labels != nullptr) h_uniform[i] = uniform ? 1 : 0;
  }
}

// The CPU kernels without the touched bitmap (which the CUDA kernels do not keep either).
void FindForestSplits(StreamView, const ForestSplitBatch& batch, std::span<FeatureSplit> h_out) {
  const ImpurityScanParams& p = batch.params;
  const auto pairs = static_cast<std::size_t>(p.pairs);
  std::vector<GradientQuantizer> quantizers(pairs);
  for (int c = 0; c < p.channels; ++c) {
    const double scale = 1.0 / p.inverse_scale[c];
    (c % 2 == 0 ? quantizers[c / 2].grad_scale : quantizers[c / 2].hess_scale) = scale;
  }
  const ImpurityLayout layout{p.criterion, p.classes, p.channels, p.has_count, pairs, quantizers};
  const ImpurityRules rules{p.min_leaf_count, p.min_leaf_weight};
  std::vector<SubsetHistogramTask> histograms;
  std::vector<ImpuritySplitTask> splits;
  for (std::size_t i = 0; i < batch.nodes.size(); ++i) {
    const ForestSplitNode& n = batch.nodes[i];
    const auto features = batch.features.subspan(n.feature_begin, n.num_features);
    const std::span<GradientSum> hist(n.d_histogram, std::size_t{n.histogram_bins} * pairs);
    std::uint32_t slot = 0;  // the layout the CUDA kernels read through batch.slots
    for (std::uint32_t k = 0; k < n.num_features; ++k) {
      GROVE_CHECK(batch.slots[n.feature_begin + k] == slot, "FindForestSplits: wrong slot");
      slot += batch.bins.feature_offsets[features[k] + 1] - batch.bins.feature_offsets[features[k]];
    }
    GROVE_CHECK(slot == n.histogram_bins, "FindForestSplits: wrong histogram size");
    histograms.push_back(SubsetHistogramTask{
        std::span<const std::uint32_t>(batch.d_rows + n.row_begin, n.row_count), features, hist,
        {}});
    splits.push_back(ImpuritySplitTask{hist, features, batch.node_sums.subspan(i * pairs, pairs),
                                       {}});
  }
  cpu_impl::BuildSubsetHistograms(HostContext(), batch.bins, pairs,
                                  std::span(batch.d_values, batch.bins.rows * pairs), histograms);
  cpu_impl::EvaluateImpuritySplits(HostContext(), batch.cuts, layout, rules, splits, h_out);
}

std::uint64_t ForestScanStackBytes(int) {
  return 0;  // host threads' stacks are not device memory
}

std::uint64_t RequireDeviceMemory(int ordinal, const MemoryEstimate& need) {
  const std::uint64_t free_bytes = QueryDevice(ordinal).free_bytes;
  CheckDeviceMemory(need, free_bytes, "host emulation");
  return free_bytes;
}

}  // namespace grove::cuda_impl
