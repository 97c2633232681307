// metrics/common.h — input checks and deterministic block reductions shared by the metrics.
//
// Every sum over rows goes through fixed blocks of kBlockRows rows (the AUC sweeps: of
// kAucBlockRows, kernels/common/auc_math.h): each block is summed on its
// own (in double, in row order) and the block sums are then added in block order. The blocks
// do not depend on the thread count, so neither does any result (no dynamic splitting of
// floating-point sums as tbb::parallel_reduce would do).
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "grove/metrics.h"
#include "kernels/common/metric_math.h"
#include "metrics/row_form.h"

namespace grove::metric_impl {

/// Rows per reduction block; fixed so results do not depend on the thread count.
inline constexpr std::size_t kBlockRows = kMetricBlockRows;
/// Below this many rows everything runs on the calling thread (same blocks, same result).
inline constexpr std::size_t kParallelRows = std::size_t{1} << 16;

/// How many prediction columns a metric accepts.
enum class Outputs {
  kOne,   ///< one value per row (binary probability, regression mean)
  kMany,  ///< num_outputs >= 2 class probabilities per row
  kAny,   ///< either (binary if 1, multi-class otherwise)
};

/// Checks num_outputs against `outputs` (with `hint` naming the metric to use instead), the
/// prediction count (rows × num_outputs) and, unless `per_row_weights` is false, that weights
/// are empty or one per row, finite and >= 0. Returns the row count. Throws InvalidInput.
std::size_t CheckShapes(std::string_view metric, const MetricInput& input, Outputs outputs,
                        std::string_view hint, bool per_row_weights = true);

/// Throws InvalidInput: "<metric>: label <value> at row <row> is not <expected>".
[[noreturn]] void ThrowBadLabel(std::string_view metric, std::size_t row, float label,
                                std::string_view expected);

/// Throws InvalidInput naming `metric`, the row (and class) of the first NaN prediction; the
/// metrics that sort by prediction call it.
void CheckNotNaN(std::string_view metric, std::span<const float> predictions, std::size_t outputs);

inline float WeightAt(std::span<const float> weights, std::size_t row) {
  return weights.empty() ? 1.0f : weights[row];
}

inline std::size_t NumBlocks(std::size_t rows) {
  return (rows + kBlockRows - 1) / kBlockRows;
}

/// Runs fn(r) for r in [0, count), spread over threads when `parallel`. Callers write each
/// result to its own slot r, so the outcome does not depend on which thread ran what.
template <class Fn>
void ForEachIndex(std::size_t count, bool parallel, Fn&& fn) {
  if (!parallel || count < 2) {
    for (std::size_t r = 0; r < count; ++r) fn(r);
    return;
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, 1),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t r = range.begin(); r != range.end(); ++r) fn(r);
                    });
}

/// Runs fn(block, begin, end) over the fixed row blocks of [0, rows).
template <class Fn>
void ForBlocks(std::size_t rows, Fn&& fn) {
  ForEachIndex(NumBlocks(rows), rows >= kParallelRows, [&](std::size_t block) {
    const std::size_t begin = block * kBlockRows;
    fn(block, begin, std::min(rows, begin + kBlockRows));
  });
}

/// N sums over rows: row_fn(row, acc) adds into acc (std::array<double, N>). Deterministic.
template <std::size_t N, class RowFn>
std::array<double, N> SumRows(std::size_t rows, RowFn&& row_fn) {
  std::vector<std::array<double, N>> partial(NumBlocks(rows));
  ForBlocks(rows, [&](std::size_t block, std::size_t begin, std::size_t end) {
    std::array<double, N> acc{};
    for (std::size_t i = begin; i < end; ++i) row_fn(i, acc);
    partial[block] = acc;
  });
  std::array<double, N> total{};
  for (const auto& acc : partial) {
    for (std::size_t k = 0; k < N; ++k) total[k] += acc[k];
  }
  return total;
}

/// The smallest row in [0, rows) for which bad(row) holds, or `rows` when there is none.
template <class Pred>
std::size_t FirstRow(std::size_t rows, Pred&& bad) {
  std::vector<std::size_t> first(NumBlocks(rows), rows);
  ForBlocks(rows, [&](std::size_t block, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      if (bad(i)) {
        first[block] = i;
        return;
      }
    }
  });
  for (std::size_t row : first) {
    if (row != rows) return row;
  }
  return rows;
}

/// Throws ThrowBadLabel for the first label that fails `ok`.
template <class Ok>
void CheckLabels(std::string_view metric, std::span<const float> labels, Ok&& ok,
                 std::string_view expected) {
  const std::size_t row = FirstRow(labels.size(), [&](std::size_t i) { return !ok(labels[i]); });
  if (row != labels.size()) ThrowBadLabel(metric, row, labels[row], expected);
}

/// A metric defined by its name, direction and one evaluation function; `form` says how a
/// device can evaluate it with the same arithmetic (DeviceFormOf, metrics/row_form.h).
class FunctionMetric final : public Metric {
 public:
  using Fn = std::function<double(const MetricInput&)>;
  FunctionMetric(std::string name, bool higher_is_better, Fn fn, DeviceForm form = {})
      : name_(std::move(name)),
        higher_is_better_(higher_is_better),
        fn_(std::move(fn)),
        form_(std::move(form)) {}
  std::string Name() const override { return name_; }
  bool HigherIsBetter() const override { return higher_is_better_; }
  double Evaluate(const MetricInput& input) const override { return fn_(input); }
  const DeviceForm& Form() const { return form_; }

 private:
  std::string name_;
  bool higher_is_better_;
  Fn fn_;
  DeviceForm form_;
};

inline std::unique_ptr<Metric> MakeMetric(std::string name, bool higher_is_better,
                                          FunctionMetric::Fn fn, DeviceForm form = {}) {
  return std::make_unique<FunctionMetric>(std::move(name), higher_is_better, std::move(fn),
                                          std::move(form));
}

/// A metric that is Σ w·RowTerm / Σ w (kernels/common/metric_math.h).
inline std::unique_ptr<Metric> MakeRowMetric(std::string name, bool higher_is_better,
                                             RowMetric form, FunctionMetric::Fn fn) {
  DeviceForm device;
  device.row = form;
  return MakeMetric(std::move(name), higher_is_better, std::move(fn), std::move(device));
}

}  // namespace grove::metric_impl
