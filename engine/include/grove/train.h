// grove/train.h — training gradient-boosted trees.
//
//   grove::TrainParams params = grove::ParseParams({{"objective", "binary:logistic"},
//                                                   {"num_round", "100"}, {"eta", "0.2"}});
//   std::vector<grove::EvalSet> evals = {{"train", &train}, {"validation", &validation}};
//   grove::TrainOptions options;
//   options.on_round = [](const grove::RoundInfo& round) {
//     for (const auto& r : round.results) std::printf("%s-%s:%.5f\n", r.set.c_str(), ...);
//     return true;                                   // false stops training after this round
//   };
//   grove::Model model = grove::Train(params, train, evals, options);
//
// Data: a DataSet (dense or CSR features, labels, optional weights), as the io/ loaders return
// or as built with MakeDataSet from a row-major float array or an Eigen matrix. An EvalSet whose
// data is the training set itself reuses the training predictions (no tree is re-traversed).
// Training is deterministic: the same data, parameters and seed give the same model bits for
// any nthread. Train is reentrant (no global state) but a DataSet must not change during it.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "grove/dataset.h"
#include "grove/model.h"
#include "grove/params.h"

namespace grove {

struct EvalSet {
  std::string name;         ///< printed as `<name>-<metric>`: "train", "validation", ...
  const DataSet* data = nullptr;
};

struct EvalResult {
  std::string set;
  std::string metric;
  double value = 0.0;
};

struct RoundInfo {
  int iteration = 0;                ///< 0-based round index (continues across resumes)
  std::vector<EvalResult> results;  ///< every metric of every eval set, in order
  /// The model after this round (early-stopping state included), valid only during the
  /// callback; null where the trainer has no model to show. Copy or save it to checkpoint.
  const Model* model = nullptr;
};

struct TrainOptions {
  /// Called after each round; return false to stop training (the model keeps that round).
  std::function<bool(const RoundInfo&)> on_round;
  /// Checked between tree nodes; when it becomes true the current round is abandoned and
  /// Train returns the model of the rounds completed so far (within well under a second).
  const std::atomic<bool>* cancel = nullptr;
  /// Continue training this model: its rounds are kept and training resumes at round
  /// resume->NumRounds(). Resuming after round k gives the same bits as training straight on.
  const Model* resume = nullptr;
};

/// Trains `params.num_round` rounds (or until early stopping, a callback or cancellation).
/// Throws InvalidInput for bad parameters or data (labels outside the objective's domain,
/// negative weights, eval sets with a different feature count, unknown metrics).
Model Train(const TrainParams& params, const DataSet& train, std::span<const EvalSet> evals = {},
            const TrainOptions& options = {});

/// Checks `labels` the way Train checks a training or eval set's under `params`' objective, for
/// data that Train does not see (a test set scored after training). Throws LabelError (set
/// `set`, message starting with "<set>: ") at the first label that is not finite or outside the
/// objective's domain; InvalidInput for an unknown objective.
void CheckLabels(const TrainParams& params, std::span<const float> labels, std::string_view set);

/// A DataSet from a row-major rows x cols float array (NaN = missing), labels and optional
/// weights (empty = unit). Copies the data.
DataSet MakeDataSet(const float* data, std::size_t rows, std::size_t cols,
                    std::span<const float> labels, std::span<const float> weights = {});
/// The same from any Eigen float matrix expression: a matrix of either storage order, a block,
/// an Eigen::Ref or a Map. Copies the data.
template <typename Derived>
DataSet MakeDataSet(const Eigen::MatrixBase<Derived>& x, std::span<const float> labels,
                    std::span<const float> weights = {}) {
  const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = x;
  return MakeDataSet(rows.data(), static_cast<std::size_t>(rows.rows()),
                     static_cast<std::size_t>(rows.cols()), labels, weights);
}

}  // namespace grove
