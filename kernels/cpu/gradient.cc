// CPU objective loops: oneTBB over fixed blocks of rows inside an arena of ctx.Threads()
// workers. Each row's result depends only on that row, and sums combine per-block partials in
// block order, so every output is identical for any thread count.
#include "kernels/gradient.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <string>
#include <vector>

#include "grove/errors.h"

namespace grove::cpu_impl {
namespace {

// Rows per block: large enough to amortise task overhead, small enough to balance threads.
constexpr std::size_t kBlockRows = 8192;

std::size_t NumBlocks(std::size_t rows) {
  return (rows + kBlockRows - 1) / kBlockRows;
}

// Runs body(begin_row, end_row) for every block of rows, in parallel.
template <typename Body>
void ForEachBlock(const Context& ctx, std::size_t rows, const Body& body) {
  const std::size_t blocks = NumBlocks(rows);
  if (blocks == 0) return;
  auto run = [&](const tbb::blocked_range<std::size_t>& range) {
    for (std::size_t b = range.begin(); b < range.end(); ++b) {
      body(b, b * kBlockRows, std::min(rows, (b + 1) * kBlockRows));
    }
  };
  if (blocks == 1 || ctx.Threads() == 1) {
    run(tbb::blocked_range<std::size_t>(0, blocks));
    return;
  }
  tbb::task_arena arena(ctx.Threads());
  arena.execute([&] { tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1), run); });
}

int OutputsPerRow(const ObjectiveMath& math) {
  return math.kind == ObjectiveKind::kSoftmax ? math.num_class : 1;
}

void CheckShapes(const ObjectiveMath& math, std::size_t margins, std::size_t labels,
                 std::size_t weights, std::size_t gradients) {
  const auto k = static_cast<std::size_t>(OutputsPerRow(math));
  GROVE_CHECK(k >= 1, "an objective needs at least one output per row");
  GROVE_CHECK(margins == labels * k && gradients == margins,
              "objective spans disagree: " + std::to_string(margins) + " margins, " +
                  std::to_string(labels) + " labels, " + std::to_string(gradients) +
                  " gradients for " + std::to_string(k) + " output(s) per row");
  GROVE_CHECK(weights == 0 || weights == labels,
              "objective spans disagree: " + std::to_string(weights) + " weights for " +
                  std::to_string(labels) + " rows");
}

}  // namespace

void ComputeGradients(const Context& ctx, const ObjectiveMath& math, std::span<const float> margins,
                      std::span<const float> labels, std::span<const float> weights,
                      std::span<GradientPair> gradients) {
  CheckShapes(math, margins.size(), labels.size(), weights.size(), gradients.size());
  const bool weighted = !weights.empty();
  if (math.kind == ObjectiveKind::kSoftmax) {
    const int k = math.num_class;
    ForEachBlock(ctx, labels.size(), [&](std::size_t, std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        const float w = weighted ? weights[i] : 1.0f;
        const std::size_t offset = i * static_cast<std::size_t>(k);
        SoftmaxRowGradients(margins.data() + offset, k, labels[i], w, gradients.data() + offset);
      }
    });
    return;
  }
  ForEachBlock(ctx, labels.size(), [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const float w = weighted ? weights[i] : 1.0f;
      gradients[i] = RowGradient(math, margins[i], labels[i], w);
    }
  });
}

void TransformMargins(const Context& ctx, const ObjectiveMath& math, std::span<float> values) {
  if (math.kind == ObjectiveKind::kSoftmax) {
    const auto k = static_cast<std::size_t>(math.num_class);
    GROVE_CHECK(k >= 1 && values.size() % k == 0, std::to_string(values.size()) +
                                                      " values do not form rows of " +
                                                      std::to_string(k) + " classes");
    ForEachBlock(ctx, values.size() / k, [&](std::size_t, std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) SoftmaxRow(values.data() + i * k, math.num_class);
    });
    return;
  }
  const ObjectiveKind kind = math.kind;
  ForEachBlock(ctx, values.size(), [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) values[i] = TransformMargin(kind, values[i]);
  });
}

void ArgMaxRows(const Context& ctx, std::span<const float> values, int k,
                std::span<std::int32_t> classes) {
  const auto width = static_cast<std::size_t>(k);
  GROVE_CHECK(k >= 1 && values.size() == classes.size() * width,
              std::to_string(values.size()) + " values do not form " +
                  std::to_string(classes.size()) + " rows of " + std::to_string(k) + " classes");
  ForEachBlock(ctx, classes.size(), [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) classes[i] = ArgMaxRow(values.data() + i * width, k);
  });
}

std::vector<GradientTotals> SumGradients(const Context& ctx,
                                         std::span<const GradientPair> gradients, int k) {
  const auto width = static_cast<std::size_t>(k);
  GROVE_CHECK(k >= 1 && gradients.size() % width == 0, std::to_string(gradients.size()) +
                                                           " gradients do not form rows of " +
                                                           std::to_string(k) + " outputs");
  const std::size_t rows = gradients.size() / width;
  std::vector<GradientTotals> partial(NumBlocks(rows) * width);
  ForEachBlock(ctx, rows, [&](std::size_t block, std::size_t begin, std::size_t end) {
    GradientTotals* out = partial.data() + block * width;
    for (std::size_t i = begin; i < end; ++i) {
      for (std::size_t j = 0; j < width; ++j) {
        out[j].grad += gradients[i * width + j].grad;
        out[j].hess += gradients[i * width + j].hess;
      }
    }
  });
  std::vector<GradientTotals> totals(width);
  for (std::size_t b = 0; b < partial.size() / width; ++b) {
    for (std::size_t j = 0; j < width; ++j) {
      totals[j].grad += partial[b * width + j].grad;
      totals[j].hess += partial[b * width + j].hess;
    }
  }
  return totals;
}

}  // namespace grove::cpu_impl
