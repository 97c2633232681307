// Model::Predict: validation of the model and the input, then the CPU kernel
// (kernels/cpu/predict.cc) or, for PredictOptions::device = cuda:N, the CUDA one
// (engine/src/cuda_predict.h) and, for PredictType::kValue, the objective's transform.
#include "kernels/predict.h"

#include <fmt/format.h>

#include <span>
#include <vector>

#include "engine/src/cuda_predict.h"
#include "engine/src/forest_average.h"
#include "engine/src/objective.h"
#include "engine/src/predict_views.h"
#include "grove/errors.h"
#include "grove/model.h"

namespace grove {

namespace detail {
/// engine/src/forest_model.cc: class indices for multi:softmax forests.
void FinishForestPrediction(const Model& model, std::size_t rows, PredictType type,
                            std::vector<float>& out);
}  // namespace detail

namespace {

void CheckDense(const DenseMatrix& x) {
  if (x.values.size() != x.rows * x.cols) {
    throw InvalidInput(fmt::format("dense matrix of {} x {} holds {} values, expected {}", x.rows,
                                   x.cols, x.values.size(), x.rows * x.cols));
  }
}

// The kernel trusts its input; a malformed CSR matrix must fail here, not read out of bounds.
void CheckCsr(const CsrMatrix& x) {
  if (x.row_ptr.size() != x.rows + 1 || x.row_ptr.front() != 0 ||
      x.row_ptr.back() != x.values.size() || x.col_index.size() != x.values.size()) {
    throw InvalidInput(fmt::format(
        "CSR matrix of {} rows has {} row offsets (expected {}, starting at 0), {} column "
        "indices and {} values (expected {} = the last offset)",
        x.rows, x.row_ptr.size(), x.rows + 1, x.col_index.size(), x.values.size(),
        x.row_ptr.empty() ? 0 : x.row_ptr.back()));
  }
  for (std::size_t r = 0; r < x.rows; ++r) {
    if (x.row_ptr[r + 1] < x.row_ptr[r]) {
      throw InvalidInput(fmt::format("CSR matrix: row offsets decrease at row {}", r));
    }
    for (std::uint64_t k = x.row_ptr[r]; k < x.row_ptr[r + 1]; ++k) {
      if (x.col_index[k] >= x.cols) {
        throw InvalidInput(fmt::format("CSR matrix: row {} has column index {}, expected < {}", r,
                                       x.col_index[k], x.cols));
      }
    }
  }
}

// cpu_impl::PredictMargins / PredictLeaves, or their device twins for options.device = cuda:N.
void Margins(std::span<const cpu_impl::PredictTree> trees, const cpu_impl::PredictInput& x,
             std::span<const float> base_margin, const PredictOptions& options,
             std::span<float> out) {
  if (options.device.IsCuda()) {
    PredictMarginsOnDevice(options.device, trees, x, base_margin, out);
  } else {
    cpu_impl::PredictMargins(trees, x, base_margin, options.nthread, out);
  }
}

void Leaves(std::span<const cpu_impl::PredictTree> trees, const cpu_impl::PredictInput& x,
            std::size_t outputs, const PredictOptions& options, std::span<float> out) {
  if (options.device.IsCuda()) {
    PredictLeavesOnDevice(options.device, trees, x, outputs, out);
  } else {
    cpu_impl::PredictLeaves(trees, x, options.nthread, out);
  }
}

std::vector<float> RunPredict(const Model& model, const cpu_impl::PredictInput& x,
                              const PredictOptions& options) {
  try {
    model.Validate();
  } catch (const InvalidInput& e) {
    throw InvalidInput(fmt::format("invalid model: {}", e.what()));
  }
  if (x.cols != static_cast<std::size_t>(model.num_features)) {
    throw InvalidInput(
        fmt::format("model expects {} features, input has {}", model.num_features, x.cols));
  }
  const std::size_t num_trees = static_cast<std::size_t>(model.RoundsToUse(options)) *
                                static_cast<std::size_t>(model.trees_per_round);
  std::vector<cpu_impl::PredictTree> trees;
  trees.reserve(num_trees);
  for (std::size_t t = 0; t < num_trees; ++t)
    trees.push_back(PredictViewOf(model.trees[t], model.tree_group[t]));

  if (model.params.IsForest() && options.type != PredictType::kLeaf) {
    // The mean of the trees as a sum of pre-scaled leaves (engine/src/forest_average.h), the
    // same floats an XGBoost export holds.
    const detail::ForestShares shares = detail::ForestShareViews(model.trees, num_trees);
    std::vector<float> out(x.rows * model.base_margin.size());
    Margins(shares.views, x, model.base_margin, options, out);
    detail::FinishForestPrediction(model, x.rows, options.type, out);
    return out;
  }
  if (options.type == PredictType::kLeaf) {
    std::vector<float> leaves(x.rows * num_trees);
    Leaves(trees, x, model.base_margin.size(), options, leaves);
    return leaves;
  }
  std::vector<float> out(x.rows * model.base_margin.size());
  Margins(trees, x, model.base_margin, options, out);
  if (options.type == PredictType::kValue) {
    const std::unique_ptr<Objective> objective = Objective::Create(model.params);
    if (objective->NumOutputs() != model.num_outputs) {
      throw InvalidInput(
          fmt::format("invalid model: objective {} gives {} outputs per row but the model has {}",
                      objective->Name(), objective->NumOutputs(), model.num_outputs));
    }
    Context ctx;
    ctx.nthread = options.nthread;
    objective->Transform(ctx, out);
    // multi:softmax leaves one class index per row at the front.
    out.resize(x.rows * static_cast<std::size_t>(objective->NumTransformedOutputs()));
  }
  return out;
}

}  // namespace

std::vector<float> Model::Predict(const DenseMatrix& x, const PredictOptions& options) const {
  CheckDense(x);
  return RunPredict(*this, cpu_impl::PredictInput::Dense(x.values.data(), x.rows, x.cols), options);
}

std::vector<float> Model::Predict(const CsrMatrix& x, const PredictOptions& options) const {
  CheckCsr(x);
  return RunPredict(*this,
                    cpu_impl::PredictInput::Csr(x.row_ptr.data(), x.col_index.data(),
                                                x.values.data(), x.rows, x.cols),
                    options);
}

std::vector<float> Model::Predict(const float* data, std::size_t rows, std::size_t cols,
                                  const PredictOptions& options) const {
  if (data == nullptr && rows * cols != 0) throw InvalidInput("Predict: null data pointer");
  return RunPredict(*this, cpu_impl::PredictInput::Dense(data, rows, cols), options);
}

}  // namespace grove
