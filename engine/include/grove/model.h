// grove/model.h — a trained ensemble: trees, objective, base score, schema, parameters.
//
//   grove::Model model = grove::Model::Load("model.json");
//   grove::PredictOptions options;                        // transformed outputs (probabilities)
//   std::vector<float> p = model.Predict(test.Dense(), options);   // rows x NumOutputs()
//   options.type = grove::PredictType::kMargin;           // raw scores
//   auto importance = model.FeatureImportance(grove::ImportanceType::kGain);
//   model.Save("model.json");                             // atomic: temp file + rename
//
// Prediction compares float features with float thresholds (x < t goes left, NaN follows the
// learned default direction), so a model predicts identically wherever it is loaded.
// Predict is const and thread-safe; it runs on ctx-style `nthread` threads (0 = all).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grove/dataset.h"
#include "grove/params.h"
#include "grove/tree.h"

namespace grove {

enum class PredictType {
  kValue,   ///< transformed output: probability, class index (multi:softmax), mean, ...
  kMargin,  ///< untransformed sum of base score and tree outputs
  kLeaf,    ///< the leaf index reached in every tree (rows x trees, as float)
};

enum class ImportanceType { kWeight, kGain, kCover, kTotalGain, kTotalCover };

struct PredictOptions {
  PredictType type = PredictType::kValue;
  /// Use rounds [0, best_iteration] when early stopping recorded one (XGBoost's behaviour for
  /// a model saved after early stopping); false = every round.
  bool use_best_iteration = true;
  int nthread = 0;
  /// Where the trees are walked: cpu, or cuda:N (a CUDA build and that GPU; InvalidInput
  /// otherwise). The GPU gives the CPU's bits; the transform runs on the host either way.
  Device device;
};

class Model {
 public:
  // --- what the trainer fills in ---
  TrainParams params;                 ///< the configuration it was trained with
  Schema schema;                      ///< feature names and one-hot dictionaries
  std::vector<Tree> trees;            ///< in training order
  std::vector<std::int32_t> tree_group;  ///< output (class) index of each tree
  std::vector<float> base_margin;     ///< per output, in margin space
  std::int32_t num_outputs = 1;       ///< classes for multi-class, else 1
  std::int32_t num_features = 0;
  std::int32_t trees_per_round = 1;   ///< num_outputs * num_parallel_tree
  std::int32_t best_iteration = -1;   ///< -1: no early stopping result
  double best_score = 0.0;
  /// Random forests trained with oob_score=true: scikit-learn's oob_score_ (accuracy for
  /// classification, R^2 for regression); none otherwise.
  std::optional<double> oob_score;

  // Random forests (params.algorithm == "random_forest") use the same fields: trees_per_round
  // is 1, tree_group all 0, base_margin all 0; a binary classifier's leaves hold P(class 1) in
  // Tree::value (num_outputs 1), a multi-class one's hold the class probabilities in
  // Tree::leaf_vector (leaf_size = num_outputs = classes; value unused, 0), a regressor's the
  // mean label. Split nodes hold the same quantities for their rows, sum_hessian the in-bag
  // weight and loss_change the weighted impurity decrease W_t i(t) - W_l i(l) - W_r i(r).
  // Prediction averages the trees (kValue and kMargin alike, except multi:softmax's kValue:
  // the class index).

  /// Throws InvalidInput naming the first inconsistency: array lengths, child indices out of
  /// range, cycles, split features >= num_features, groups >= num_outputs. Load, Predict and
  /// FeatureImportance call it, so a corrupted model fails cleanly instead of crashing.
  /// O(total nodes).
  void Validate() const;

  std::int32_t NumRounds() const;
  /// Rounds used by prediction under `options`.
  std::int32_t RoundsToUse(const PredictOptions& options) const;

  /// rows x num_outputs values (or rows x trees leaf indices for kLeaf), row-major; kValue of
  /// multi:softmax gives one class index per row. Throws InvalidInput when the input does not
  /// have num_features columns or the model is inconsistent (see Validate).
  std::vector<float> Predict(const DenseMatrix& x, const PredictOptions& options = {}) const;
  std::vector<float> Predict(const CsrMatrix& x, const PredictOptions& options = {}) const;
  /// Row-major rows x cols floats, NaN = missing.
  std::vector<float> Predict(const float* data, std::size_t rows, std::size_t cols,
                             const PredictOptions& options = {}) const;

  /// Feature name -> importance, for features used in at least one split (XGBoost's
  /// get_score semantics: weight = split count, gain/cover = averages, total_* = sums).
  std::map<std::string, double> FeatureImportance(ImportanceType type) const;

  /// Random forests only: scikit-learn's feature_importances_ (mean decrease in impurity), one
  /// value per feature summing to 1 (all 0 when no tree splits). Throws InvalidInput for a
  /// gradient-boosted model.
  std::vector<double> ImpurityImportance() const;

  /// grove's native JSON model format (see docs/model-format.md).
  std::string ToJson() const;
  static Model FromJson(std::string_view json);
  /// Atomic write: temp file in the same directory, then rename.
  void Save(const std::filesystem::path& path) const;
  /// Throws IoError when the file cannot be read, InvalidInput when it is not a grove model
  /// (truncated, wrong version, inconsistent arrays).
  static Model Load(const std::filesystem::path& path);
};

}  // namespace grove
