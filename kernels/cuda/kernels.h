// kernels/cuda/kernels.h — the CUDA twins of grove's training kernels, callable from host C++
// (no CUDA headers here). Inputs and outputs are device pointers; small per-call lists (nodes,
// tasks) are host spans that the launcher uploads. Semantics are those of the cpu_impl kernels
// named in each comment, bit for bit unless a comment says otherwise.
//
//   Stream stream;                                     // kernels/cuda/device_buffer.h
//   ComputeGradients(stream.View(), math, d_margins, d_labels, nullptr, rows, d_pairs);
//   GradientMaxima m = MaxAbsGradients(stream.View(), d_pairs, rows, 1, 0);
//   GradientQuantizer q = GradientQuantizer::ForRound(m.grad, m.hess, rows);
//   QuantizeGradients(stream.View(), q, d_pairs, rows, 1, 0, d_fixed);
//   HistogramPlan plan = MakeHistogramPlan(ordinal, h_feature_offsets);
//   BuildHistograms(stream.View(), plan, {bins, d_fixed, d_rows, nodes});
//   EvaluateSplits(stream.View(), {cuts, params, q, monotone, split_nodes, d_best});
//   PartitionRows(stream.View(), bins, d_rows, partition_nodes, left_counts);  // syncs
//
// Work is queued on `stream` and runs asynchronously unless a comment says the call
// synchronizes (it does when it returns a value to the host). All device pointers must belong
// to the current device (DeviceGuard). Failures throw DeviceError naming the CUDA call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "kernels/binned_view.h"
#include "kernels/common/auc_math.h"
#include "kernels/common/gradient.h"
#include "kernels/common/metric_math.h"
#include "kernels/common/objective_math.h"
#include "kernels/common/split_math.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/forest_layout.h"
#include "kernels/cuda/launch_plan.h"
#include "kernels/impurity_split.h"
#include "kernels/split.h"

namespace grove::cuda_impl {

// ---- objectives ------------------------------------------------------------------------------

/// cpu_impl::ComputeGradients: d_gradients[i * K + j] for rows x K margins (K = num_class for
/// kSoftmax, else 1). d_weights may be nullptr (every row weighs 1). Exact for the objectives
/// built from + - * / and sqrt (squared error, pseudo-Huber, absolute error, hinge); those that
/// call expf/log1pf use CUDA's versions, which may differ from the host's libm in the last bit.
void ComputeGradients(StreamView stream, const ObjectiveMath& math, const float* d_margins,
                      const float* d_labels, const float* d_weights, std::size_t rows,
                      GradientPair* d_gradients);

struct GradientMaxima {
  double grad = 0.0;  ///< max |grad|
  double hess = 0.0;  ///< max |hess|
};

/// Maxima of column `output` of a rows x outputs gradient matrix (exact: a max does not depend
/// on order). Synchronizes: the quantizer is chosen on the host from them.
GradientMaxima MaxAbsGradients(StreamView stream, const GradientPair* d_gradients, std::size_t rows,
                               int outputs, int output);

/// d_fixed[i] = quantizer.ToFixed(d_gradients[i * outputs + output]).
void QuantizeGradients(StreamView stream, const GradientQuantizer& quantizer,
                       const GradientPair* d_gradients, std::size_t rows, int outputs, int output,
                       GradientSum* d_fixed);

/// Row subsampling without compaction: d_fixed[r] = {0, 0} for every row r that the CPU
/// booster's row sample leaves out (CounterUniform(stream_key, r) >= fraction, i.e.
/// Random::UniformAt). Rows with zero gradients add nothing to any histogram sum, so trees
/// grown on all rows equal trees grown on the sampled rows only, and every row still reaches
/// a leaf for the prediction cache (as the CPU's binned traversal of left-out rows does).
void ZeroUnsampledRows(StreamView stream, std::uint64_t stream_key, double fraction,
                       std::size_t rows, GradientSum* d_fixed);

// ---- histograms ------------------------------------------------------------------------------

/// Feature groups and limits for one device and one quantized matrix; build once per job.
struct HistogramPlan {
  std::vector<FeatureGroup> groups;
  std::uint32_t total_bins = 0;
  int multiprocessors = 1;
  std::size_t shared_bytes = 0;  ///< per-block shared memory the groups were planned for
};

/// Queries device `ordinal` (multiprocessors, opt-in shared memory per block) and groups the
/// features of `h_feature_offsets` (features + 1 entries, on the host).
HistogramPlan MakeHistogramPlan(int ordinal, std::span<const std::uint32_t> h_feature_offsets);

/// One node: rows d_rows[row_begin, row_begin + row_count) of the batch's row index.
struct HistogramNode {
  std::uint32_t row_begin = 0;
  std::uint32_t row_count = 0;
  GradientSum* d_histogram = nullptr;  ///< total_bins entries, overwritten
};

struct HistogramBatch {
  BinnedView bins;                           ///< device pointers (bins8/bins16, feature_offsets)
  const GradientSum* d_gradients = nullptr;  ///< one per matrix row
  const std::uint32_t* d_rows = nullptr;
  std::span<const HistogramNode> nodes;  ///< host list
};

/// cpu_impl::BuildHistograms for every node at once: shared-memory histograms per feature group
/// with 64-bit integer atomics (global memory for groups too wide for shared memory). The sums
/// are exactly the CPU's: integer addition does not depend on order.
void BuildHistograms(StreamView stream, const HistogramPlan& plan, const HistogramBatch& batch);

struct SubtractionTask {
  const GradientSum* d_parent = nullptr;
  const GradientSum* d_child = nullptr;
  GradientSum* d_out = nullptr;  ///< may alias d_parent
};

/// cpu_impl::SubtractHistogram for every task: out = parent - child over total_bins entries.
void SubtractHistograms(StreamView stream, std::uint32_t total_bins,
                        std::span<const SubtractionTask> tasks);

// ---- split search ----------------------------------------------------------------------------

struct SplitNode {
  const GradientSum* d_histogram = nullptr;  ///< total_bins entries
  GradientSum node_sum;
  const std::uint32_t* d_features = nullptr;  ///< candidate features, ascending
  std::uint32_t num_features = 0;
  WeightBounds bounds;
  double parent_gain = 0.0;
};

struct SplitBatch {
  CutsView cuts;  ///< device pointers
  SplitParams params;
  GradientQuantizer quantizer;
  std::span<const std::int8_t> monotone;  ///< host: per feature -1/0/+1, or empty
  std::span<const SplitNode> nodes;       ///< host list
  SplitCandidate* d_best = nullptr;       ///< one per node, overwritten
};

/// cpu_impl::EvaluateSplits: one block per (node, feature) scans the bins forward and, when the
/// node has missing values, backward (block-wide prefix sums of the fixed-point histogram),
/// scores each cut with the CPU's formula (its fast path when there is neither max_delta_step
/// nor a monotone constraint) and keeps the first best in the CPU's order; then the features
/// of each node are reduced in list order. Same candidates, bit for bit.
void EvaluateSplits(StreamView stream, const SplitBatch& batch);

// ---- partition -------------------------------------------------------------------------------

struct PartitionNode {
  std::uint32_t row_begin = 0;
  std::uint32_t row_count = 0;
  std::uint32_t feature = 0;
  std::uint32_t split_bin = 0;                             ///< SplitCandidate::split_bin
  std::uint32_t missing_bin = SplitCandidate::kNoBinLeft;  ///< the feature's missing bin
  bool missing_left = false;
};

/// cpu_impl::PartitionRows: each node's range of d_rows becomes its left rows then its right
/// rows, both in their original order (flags, one exclusive scan over all nodes, scatter).
/// left_counts (host, one per node) receives the left sizes; synchronizes to return them.
void PartitionRows(StreamView stream, const BinnedView& bins, std::uint32_t* d_rows,
                   std::span<const PartitionNode> nodes, std::span<std::uint32_t> left_counts);

// ---- prediction ------------------------------------------------------------------------------

/// A dense (d_dense set) or CSR (d_row_ptr, d_col_index, d_values) float matrix on the device,
/// NaN or an absent CSR entry = missing. Dense element (r, c) is d_dense[r * row_stride + c];
/// CSR column indices strictly increase within a row (a binary search reads them).
struct DeviceMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  const float* d_dense = nullptr;
  std::size_t row_stride = 0;
  const std::uint64_t* d_row_ptr = nullptr;  ///< rows + 1 offsets
  const std::uint32_t* d_col_index = nullptr;
  const float* d_values = nullptr;
};

/// A FlatForest on the device (owning).
struct DeviceForest {
  DeviceBuffer<FlatNode> nodes;
  DeviceBuffer<std::uint32_t> tree_begin;
  DeviceBuffer<std::int32_t> tree_group;
  DeviceBuffer<std::uint32_t> tree_leaf_size;
  DeviceBuffer<std::uint64_t> tree_leaf_vector;
  DeviceBuffer<float> leaf_vectors;
  std::size_t trees = 0;
  std::size_t outputs = 1;
};

DeviceForest UploadForest(const FlatForest& flat);

/// cpu_impl::PredictMargins on a dense row-major float matrix (element (r, c) at
/// d_x[r * row_stride + c], NaN = missing): d_out (rows x outputs) = d_base_margin (outputs
/// floats; nullptr = zeros) plus the trees' leaves added in float, in tree order.
void PredictMargins(StreamView stream, const DeviceForest& forest, const float* d_x,
                    std::size_t rows, std::size_t cols, std::size_t row_stride,
                    const float* d_base_margin, float* d_out);

/// The same on a dense or CSR DeviceMatrix: cpu_impl::PredictMargins's bits for either layout.
void PredictMargins(StreamView stream, const DeviceForest& forest, const DeviceMatrix& x,
                    const float* d_base_margin, float* d_out);

/// cpu_impl::PredictLeaves: d_out (rows x trees) = the node index of the leaf each row reaches
/// in each tree, as float.
void PredictLeaves(StreamView stream, const DeviceForest& forest, const DeviceMatrix& x,
                   float* d_out);

/// d_margins[r * outputs + output] += d_contribution[r * outputs + output] for every row: how
/// the booster adds a new tree's prediction (PredictMargins from zero) to an evaluation cache.
void AddColumn(StreamView stream, const float* d_contribution, std::size_t rows, int outputs,
               int output, float* d_margins);

/// The evaluation sets' cache update, engine/src/predict_views.h's AddTreeMargins: for every
/// row, d_margins[row * outputs + output] += (0.0f + the leaf of `h_tree`), one tree with
/// scalar leaves flattened by FlattenForest (host nodes, uploaded on `stream`). Same bits.
void AddTreeMargins(StreamView stream, std::span<const FlatNode> h_tree, const DeviceMatrix& x,
                    int outputs, int output, float* d_margins);

/// One leaf of a freshly grown tree: its rows are d_rows[begin, end).
struct LeafSegment {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  float value = 0.0f;
};

/// The training prediction cache update: d_margins[row * outputs + output] += value for the rows
/// of every leaf (each row belongs to one leaf, so the result does not depend on order).
void UpdatePredictionCache(StreamView stream, const std::uint32_t* d_rows,
                           std::span<const LeafSegment> leaves, int outputs, int output,
                           float* d_margins);

// ---- random forests --------------------------------------------------------------------------

/// A forest node: rows d_rows[row_begin, row_begin + row_count) of the tree's row index.
struct ForestNodeRows {
  std::uint32_t row_begin = 0;
  std::uint32_t row_count = 0;
};

/// Per node: h_sums[node * pairs + k] = the sum of pair k of its rows' fixed-point values
/// (d_values: pairs per matrix row; integer sums, exact in any order) and, when d_labels is set,
/// h_uniform[node] = 1 when every row's label equals the node's first row's, else 0 (the
/// forest's "one label value" leaf rule for regression). Synchronizes.
void SumForestNodes(StreamView stream, const GradientSum* d_values, std::size_t pairs,
                    const float* d_labels, const std::uint32_t* d_rows,
                    std::span<const ForestNodeRows> nodes, std::span<GradientSum> h_sums,
                    std::span<std::uint8_t> h_uniform);

/// One node of a forest split batch: its rows, the features it tries now and the device buffer
/// for their subset histogram (kernels/subset_histogram.h's layout: the features' bins, missing
/// bins included, one after the other, `pairs` GradientSums each).
struct ForestSplitNode {
  std::uint32_t row_begin = 0;
  std::uint32_t row_count = 0;
  std::uint32_t feature_begin = 0;  ///< its features: features[feature_begin, + num_features)
  std::uint32_t num_features = 0;
  std::uint32_t histogram_bins = 0;    ///< bins of its features (SubsetHistogramSize / pairs)
  GradientSum* d_histogram = nullptr;  ///< histogram_bins x pairs entries, overwritten
};

struct ForestSplitBatch {
  BinnedView bins;  ///< device pointers
  CutsView cuts;    ///< device pointers
  ImpurityScanParams params;
  const GradientSum* d_values = nullptr;  ///< pairs per matrix row
  const std::uint32_t* d_rows = nullptr;
  std::span<const std::uint32_t> features;   ///< host: every node's features, back to back
  std::span<const std::uint32_t> slots;      ///< host: each feature's first bin in its histogram
  std::span<const GradientSum> node_sums;    ///< host: nodes x pairs
  std::span<const ForestSplitNode> nodes;    ///< host list
};

/// cpu_impl::BuildSubsetHistograms then cpu_impl::EvaluateImpuritySplits for every node of the
/// batch: integer-atomic subset histograms (in shared memory when a node's fits in 48 KiB), then
/// one thread per (node, feature) running kernels/common/impurity_scan.h's scan. h_out (host,
/// one per listed feature, in list order) receives each feature's best split and whether it is
/// constant in the node: the CPU's results bit for bit. Synchronizes.
void FindForestSplits(StreamView stream, const ForestSplitBatch& batch,
                      std::span<FeatureSplit> h_out);

/// Device memory the driver sets aside on device `ordinal` for FindForestSplits's scan kernel:
/// the larger per-thread stack of its two instances (the scan keeps per-class sums in local
/// memory) times every thread the device can hold at once. The forest's memory estimate counts it.
std::uint64_t ForestScanStackBytes(int ordinal);

// ---- metrics ---------------------------------------------------------------------------------

struct DeviceRocCurves {
  std::vector<RocCurve> curves;          ///< one per column: totals and trapezoid area (auc_math.h)
  std::optional<std::size_t> nan_index;  ///< the first NaN score's index in d_scores (no curves)
};

/// The ROC curve of each column of the rows x columns scores, as metrics/auc.cc computes it,
/// bit for bit: per column a stable CUB radix sort of the score keys, then
/// kernels/common/auc_math.h's sweep over the host's tie-aligned blocks (one thread per
/// kAucBlockRows-row block) and the blocks added in the host's order. A row counts y·w positive
/// and (1 - y)·w negative in column c, where y is its label (one column) or 1 for label == c and
/// 0 otherwise (one class against the rest); w is 1 without weights. FinishRoc gives the binary
/// AUC, OneVsRestRoc over the curves the multi-class one. A NaN score gives no curves but the
/// first NaN's index in row-major order, so that the caller can refuse it as the host metric
/// does. The columns are queued one after another; synchronizes once, at the end.
DeviceRocCurves RocCurvesOf(StreamView stream, const float* d_scores, std::size_t columns,
                            const float* d_labels, const float* d_weights, std::size_t rows);

struct DevicePrCurves {
  std::vector<double> areas;             ///< one per column: SweepPr's area over all blocks
  std::vector<RocCurve> totals;          ///< one per column: its negatives and positives
  std::optional<std::size_t> nan_index;  ///< the first NaN score's index in d_scores (no areas)
};

/// The PR curve of each column, as RocCurvesOf's ROC curves: metrics/auc.cc's blocks, totals
/// and sweep from each block's preceding totals, in the host's order. The same bits as the
/// host's but for CUDA's log (within 1 ulp of glibc's for each segment). FinishPr of a column's
/// area and totals gives the binary PR AUC; the multi-class one is the plain mean over the
/// columns. Synchronizes once.
DevicePrCurves PrCurvesOf(StreamView stream, const float* d_scores, std::size_t columns,
                          const float* d_labels, const float* d_weights, std::size_t rows);

/// cpu_impl::TransformMargins: d_out = the objective's outputs of d_margins (rows x num_class
/// for kSoftmax, else rows), with objective_math.h's TransformMargin and SoftmaxRow. d_out may
/// equal d_margins. Exact but for expf (CUDA's may differ from the host's in the last bit).
void TransformMargins(StreamView stream, const ObjectiveMath& math, const float* d_margins,
                      std::size_t rows, float* d_out);

struct RowMetricSums {
  double weighted = 0.0;  ///< Σ w·RowTerm
  double weight = 0.0;    ///< Σ w
};

/// The sums of a row-mean metric (kernels/common/metric_math.h) over rows x outputs
/// predictions, as metrics/common.h's SumRows adds them: every kMetricBlockRows-row block in
/// row order, the blocks in order. Bit-identical to the host metric when the row terms are
/// (always for the +-*/ and sqrt terms; log/lgamma/exp may differ in the last bit). d_weights
/// may be nullptr (every row weighs 1). FinishRowMetric turns the sums into the value.
/// Synchronizes.
RowMetricSums SumRowMetric(StreamView stream, const RowMetric& form, const float* d_predictions,
                           std::size_t outputs, const float* d_labels, const float* d_weights,
                           std::size_t rows);

/// r2's first pass (metric_math.h's AddR2Row) over one prediction per row, in the blocks and
/// order of SumRowMetric. Exact. Synchronizes.
R2Sums SumR2(StreamView stream, const float* d_predictions, const float* d_labels,
             const float* d_weights, std::size_t rows);

/// r2's second pass: Σ R2SpreadTerm(y, mean, w), in the same blocks and order. Exact.
/// Synchronizes.
double SumR2Spread(StreamView stream, double mean, const float* d_labels, const float* d_weights,
                   std::size_t rows);

/// The class-decision metrics' counts (metric_math.h's ClassCounts) of rows x outputs
/// predictions, as metrics/classification.cc counts them: the same float weights added in
/// double per kMetricBlockRows block in row order, the blocks in order, so exact. Labels must
/// be valid classes (the host metric checks them before training). Synchronizes.
ClassCounts CountClassRows(StreamView stream, const float* d_predictions, std::size_t outputs,
                           const float* d_labels, const float* d_weights, std::size_t rows);

struct DeviceGroupSums {
  std::vector<double> sums;              ///< one per query group (empty with a NaN score)
  std::optional<std::size_t> nan_index;  ///< the first NaN score's row
};

/// Each query group's RankSweep (metric_math.h: ndcg's DCG@k, map's Σ hits/(i+1)) over its rows
/// by descending score, ties in row order, as metrics/ranking.cc ranks them: one stable radix
/// sort of (group, DescendingScoreKey) keys, then one thread per group. d_group_ptr: groups + 1
/// boundaries from 0 to rows; d_discount: RankDiscount(i) for i below min(top_k, the widest
/// group) (ndcg only). The same doubles in the same order as the host, so FinishRank gives its
/// bits. Synchronizes.
DeviceGroupSums RankSumsOf(StreamView stream, const RankMetric& metric, const float* d_scores,
                           const float* d_labels, const std::uint32_t* d_group_ptr,
                           std::size_t groups, const double* d_discount, std::size_t rows);

/// aucpr with query groups: each group's GroupPrArea (auc_math.h) over its rows in RankSumsOf's
/// order; NaN for a group without positives or negatives. The host's bits but for CUDA's log.
/// Synchronizes.
DeviceGroupSums GroupPrAreasOf(StreamView stream, const float* d_scores, const float* d_labels,
                               const std::uint32_t* d_group_ptr, std::size_t groups,
                               std::size_t rows);

/// auc with query groups: each group's sum of PairScore (auc_math.h) over the pairs of its rows
/// in d_label_order (RankGroups::label_order, uploaded). Exact, so the host's bits. Synchronizes.
DeviceGroupSums GroupPairSumsOf(StreamView stream, const float* d_scores,
                                const std::uint32_t* d_label_order,
                                const std::uint32_t* d_group_ptr, std::size_t groups,
                                std::size_t rows);

// ---- memory ----------------------------------------------------------------------------------

/// Throws InvalidInput (CheckDeviceMemory) when the estimate exceeds device `ordinal`'s free
/// memory as cudaMemGetInfo reports it now; otherwise returns those free bytes.
struct MemoryEstimate;
std::uint64_t RequireDeviceMemory(int ordinal, const MemoryEstimate& need);

}  // namespace grove::cuda_impl
