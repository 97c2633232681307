// Device memory estimate of a GPU training job (see memory_estimate.h for what is counted).
#include "kernels/cuda/memory_estimate.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "grove/errors.h"
#include "kernels/common/auc_math.h"
#include "kernels/common/metric_math.h"

namespace grove::cuda_impl {
namespace {

constexpr std::uint64_t kGradientPairBytes = 8;  // float grad + float hess
constexpr std::uint64_t kGradientSumBytes = 16;  // int64 grad + int64 hess
constexpr std::uint64_t kSplitCandidateBytes = 80;
constexpr std::uint64_t kRocCurveBytes = sizeof(RocCurve);
constexpr std::uint64_t kClassBlockBytes = 32;  // metrics.cu's ClassBlockSums: 3 doubles, a flag

// Saturating arithmetic: absurd shapes must produce a huge estimate, not a wrapped small one.
std::uint64_t Mul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > UINT64_MAX / a) return UINT64_MAX;
  return a * b;
}
std::uint64_t Add(std::uint64_t a, std::uint64_t b) {
  return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

// Nodes whose histograms are alive at once: one level being built plus its parent level
// (the parent's histograms feed the sibling subtraction).
std::uint64_t NodesPerLevel(const TrainingShape& shape) {
  const std::uint32_t depth = std::clamp<std::uint32_t>(shape.max_depth, 1, 63);
  std::uint64_t nodes = std::uint64_t{1} << (depth - 1);
  if (shape.max_leaves > 0) nodes = std::min<std::uint64_t>(nodes, shape.max_leaves);
  // A level cannot hold more non-empty nodes than there are rows.
  return std::max<std::uint64_t>(1, std::min(nodes, std::max<std::uint64_t>(shape.rows, 1)));
}

// Largest part first, and the total.
MemoryEstimate Finish(MemoryEstimate estimate) {
  std::stable_sort(estimate.parts.begin(), estimate.parts.end(),
                   [](const MemoryPart& a, const MemoryPart& b) { return a.bytes > b.bytes; });
  for (const MemoryPart& part : estimate.parts) {
    estimate.total_bytes = Add(estimate.total_bytes, part.bytes);
  }
  return estimate;
}

}  // namespace

MemoryEstimate EstimateTrainingMemory(const TrainingShape& shape) {
  const std::uint64_t n = shape.rows;
  const std::uint64_t k = std::max<std::uint32_t>(shape.outputs, 1);
  const std::uint64_t nodes = NodesPerLevel(shape);
  MemoryEstimate estimate;
  auto add = [&](const char* name, std::uint64_t bytes) {
    if (bytes > 0) estimate.parts.push_back(MemoryPart{name, bytes});
  };
  add("quantized matrix",
      Mul(Mul(n, shape.features), std::max<std::uint32_t>(shape.bytes_per_bin, 1)));
  add("labels and weights", Mul(n, shape.weighted ? 8 : 4));
  add("prediction cache", Mul(Mul(n, k), 4));
  add("gradients (float and fixed point)",
      Add(Mul(Mul(n, k), kGradientPairBytes), Mul(n, kGradientSumBytes)));
  // The row index and the ascending copy each tree starts from, the partition flags, their scan
  // and the scatter scratch: five 4-byte entries a row.
  add("row partition", Mul(n, 20));
  add("histograms (two levels)", Mul(Mul(Mul(nodes, 3), shape.total_bins), kGradientSumBytes));
  add("split search scratch",
      Mul(Mul(nodes, std::max<std::uint64_t>(shape.features, 1)), kSplitCandidateBytes));
  // One set is evaluated at a time: its transformed predictions, plus the scratch of one
  // metric at a time, the larger of: AUC's keys and row ids (double-buffered for the radix
  // sort) and sorted labels and weights, 24 bytes a row (more than the row-mean metrics' 8-byte
  // terms; the query-group metrics' sorts take 24 too, plus 8 per group after the keys are freed),
  // plus per 4,096-row block its start, its curve and, for aucpr, the totals before it
  // and its area; or the class counts' predicted class, 4 bytes a row, plus per 16,384-row
  // block and class three sums and a flag.
  const std::uint64_t auc_blocks = (shape.metric_rows + kAucBlockRows - 1) / kAucBlockRows;
  const std::uint64_t auc_scratch =
      Add(Mul(shape.metric_rows, 24), Mul(auc_blocks, 4 + 2 * kRocCurveBytes + 8));
  const std::uint64_t count_blocks = (shape.metric_rows + kMetricBlockRows - 1) / kMetricBlockRows;
  const std::uint64_t class_scratch =
      Add(Mul(shape.metric_rows, 4), Mul(Mul(count_blocks, ClassesOf(k)), kClassBlockBytes));
  add("metric buffers",
      Add(Mul(shape.metric_rows, Mul(k, 4)), std::max(auc_scratch, class_scratch)));
  add("evaluation sets (features, labels, weights, caches)",
      Add(shape.eval_feature_bytes, Mul(shape.eval_rows, Add(Mul(k, 4), 8))));
  add("cuts and offsets", Add(Mul(shape.total_bins, 4), Mul(shape.features, 16)));
  add("temporary storage reserve", kMemoryReserveBytes);
  return Finish(std::move(estimate));
}

MemoryEstimate EstimateForestMemory(const ForestShape& shape) {
  const std::uint64_t n = shape.rows;
  const std::uint64_t pairs = std::max<std::uint32_t>(shape.pairs, 1);
  const std::uint64_t one_node =
      Mul(Mul(std::max<std::uint64_t>(shape.max_features, 1), shape.widest_feature), pairs);
  MemoryEstimate estimate;
  auto add = [&](const char* name, std::uint64_t bytes) {
    if (bytes > 0) estimate.parts.push_back(MemoryPart{name, bytes});
  };
  add("quantized matrix",
      Mul(Mul(n, shape.features), std::max<std::uint32_t>(shape.bytes_per_bin, 1)));
  add("labels", Mul(n, 4));
  add("in-bag values (fixed point)", Mul(Mul(n, pairs), kGradientSumBytes));
  // The row index, the partition flags, their scan and the scatter scratch.
  add("row partition", Mul(n, 16));
  add("split batch histograms", Mul(std::max(kForestBatchEntries, one_node), kGradientSumBytes));
  // FeatureSplit results and the feature, slot and owner lists of one batch.
  add("split batch results", Mul(kForestBatchFeatures, kSplitCandidateBytes + 8 + 12));
  add("cuts and offsets", Add(Mul(shape.total_bins, 4), Mul(shape.features, 16)));
  add("split scan stack", shape.scan_stack_bytes);
  add("temporary storage reserve", kMemoryReserveBytes);
  return Finish(std::move(estimate));
}

std::string FormatGiB(std::uint64_t bytes) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.2f GiB",
                static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  return text;
}

void CheckDeviceMemory(const MemoryEstimate& need, std::uint64_t free_bytes,
                       std::string_view device) {
  if (need.total_bytes <= free_bytes) return;
  std::string parts;
  const std::size_t shown = std::min<std::size_t>(need.parts.size(), 3);
  for (std::size_t i = 0; i < shown; ++i) {
    if (i > 0) parts += ", ";
    parts += need.parts[i].name + " " + FormatGiB(need.parts[i].bytes);
  }
  throw InvalidInput("device " + std::string(device) + " cannot hold this training job: it needs " +
                     FormatGiB(need.total_bytes) + " of device memory, " + FormatGiB(free_bytes) +
                     " are free (largest parts: " + parts +
                     "); train on fewer rows, lower max_bin or max_depth, use a GPU with "
                     "more memory, or set device=cpu");
}

}  // namespace grove::cuda_impl
