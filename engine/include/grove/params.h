// grove/params.h — training hyperparameters: one struct generated from grove/params.def.
//
//   // SageMaker sends every value as a string; `-` and `_` in keys are the same character.
//   grove::TrainParams params = grove::ParseParams({{"objective", "binary:logistic"},
//                                                   {"max-depth", "4"}, {"eta", "0.1"}});
//   params.num_round = 50;          // or set fields directly, then:
//   params.Validate();              // ranges and allowed values
//   params.ValidateCombination();   // rules that involve several parameters
//   nlohmann::ordered_json config = params.ToJson();   // stored inside models
//   grove::TrainParams again = grove::TrainParams::FromJson(config);   // == params
//   grove::Context ctx = params.MakeContext();         // device, threads and seed
//
// Every field is named exactly like its hyperparameter; params.def gives its type, default,
// valid values, the algorithm it applies to (gbdt, random_forest or both) and a one-line doc,
// and docs/params.md is generated from it (ParamsMarkdown). Errors are grove::InvalidInput
// listing every problem found, one per line. Plain data: copy freely; the free functions are
// thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "grove/context.h"

namespace grove {

/// The algorithm a hyperparameter applies to.
enum class ParamScope { kBoth, kGbdt, kForest };

/// scikit-learn's "int or float" sizes (min_samples_split, min_samples_leaf, max_features,
/// max_samples): a count, a fraction of the rows or features, or a keyword. The text "2" is a
/// count and "2.0" a fraction, as an int and a float are in Python.
struct CountOrFraction {
  enum class Kind {
    kNone,      ///< "none": no limit (all rows or all features)
    kAuto,      ///< "auto": max_features' task default (sqrt for classification, all otherwise)
    kCount,     ///< an absolute number, in `count`
    kFraction,  ///< a fraction in (0, 1], in `fraction`
    kSqrt,      ///< "sqrt": floor(sqrt(n))
    kLog2,      ///< "log2": floor(log2(n))
  };
  Kind kind = Kind::kNone;
  int count = 0;
  double fraction = 0.0;

  static CountOrFraction None() { return {}; }
  static CountOrFraction Auto() { return {Kind::kAuto, 0, 0.0}; }
  static CountOrFraction Count(int n) { return {Kind::kCount, n, 0.0}; }
  static CountOrFraction Fraction(double f) { return {Kind::kFraction, 0, f}; }
  /// "none", "auto", "sqrt", "log2", the count ("2"), or the fraction with a decimal point
  /// ("0.5", "1.0"), so that parsing the text gives this value back.
  std::string ToString() const;
  friend bool operator==(const CountOrFraction&, const CountOrFraction&) = default;
};

struct TrainParams {
#define GROVE_PARAM(type, name, default_value, check, scope, doc) type name = default_value;
#include "grove/params.def"

  /// Throws InvalidInput listing every field outside its range or allowed set, one per line,
  /// e.g. `hyperparameter eta: 1.5 is not in [0, 1]`.
  void Validate() const;
  /// Throws InvalidInput listing every broken cross-parameter rule with how to fix it, e.g.
  /// `n_estimators applies to algorithm=random_forest; for gbdt use num_round`. A parameter of
  /// the other algorithm counts as set when it differs from its default. Logs (once per
  /// process) a warning for settings that have no effect, such as tweedie_variance_power
  /// without objective=reg:tweedie.
  void ValidateCombination() const;

  /// Every parameter, in params.def order, as typed JSON (numbers, booleans, strings, arrays,
  /// null for none).
  nlohmann::ordered_json ToJson() const;
  /// The inverse of ToJson. Missing keys keep their defaults (configs of older models); unknown
  /// keys, bad values and broken rules throw InvalidInput like ParseParams. String values are
  /// parsed as ParseParams would. Logs nothing for a config ToJson wrote.
  static TrainParams FromJson(const nlohmann::ordered_json& config);

  bool IsForest() const { return algorithm == "random_forest"; }
  /// objective is binary:* or multi:*.
  bool IsClassification() const;
  /// max_depth with its default resolved: 6 for gbdt, 0 (no limit) for random_forest.
  int EffectiveMaxDepth() const;
  /// criterion with auto resolved: gini for classification, squared_error for regression.
  std::string EffectiveCriterion() const;
  /// Device, threads and seed for the chosen algorithm: nthread and seed for gbdt; n_jobs
  /// (none/-1 = all cores, -k = all but k-1, at least 1) and random_state (none = 0) for
  /// random_forest. A negative seed is converted to uint64_t (two's complement).
  Context MakeContext() const;

  /// scikit-learn 1.2's resolution of the forest's size parameters for a data set with
  /// `n_features` features or `n_rows` rows. Throw InvalidInput when a count exceeds n.
  int ResolveMaxFeatures(int n_features) const;
  int64_t ResolveMinSamplesLeaf(int64_t n_rows) const;
  /// Includes scikit-learn's max(min_samples_split, 2 * min_samples_leaf).
  int64_t ResolveMinSamplesSplit(int64_t n_rows) const;
  /// Bootstrap rows per tree: all rows for none, round-half-even(f * n) (at least 1) for a
  /// fraction.
  int64_t ResolveMaxSamples(int64_t n_rows) const;

  friend bool operator==(const TrainParams&, const TrainParams&) = default;
};

/// Reads hyperparameters as SageMaker sends them (every value a string): keys are normalised
/// (`-` read as `_`), `sagemaker_*` keys are ignored, SageMaker's aliases (learning_rate,
/// min_split_loss, reg_lambda, reg_alpha) are read as grove's names, integers are parsed
/// strictly ("100.0" and "1e2" are errors), booleans are true/false/True/False/1/0 and "none"
/// or "None" unsets an optional value. Then runs Validate and ValidateCombination. Throws
/// InvalidInput listing every problem, one per line, e.g. `unknown hyperparameter
/// "colsample_by_tree"; did you mean "colsample_bytree"?`. Logs a note once per process for
/// accepted-but-ignored or deprecated settings (reg:linear, tree_method=gpu_hist, ...).
/// num_round is not required here; the SageMaker front end requires it.
TrainParams ParseParams(const std::map<std::string, std::string>& values);

/// One row of the table, for tools that list or search parameters (e.g. `grove tune`).
struct ParamInfo {
  std::string name;
  std::string type;           ///< "int", "float", "bool", "string", "int or none", ...
  std::string default_value;  ///< as ParseParams reads it ("0.3", "none", "auto", ...)
  std::string valid_values;   ///< "[0, 1]", "depthwise, lossguide", ...
  ParamScope scope;
  std::string section;        ///< the params.def group it belongs to
  std::string doc;
};
/// Every hyperparameter in params.def order.
std::vector<ParamInfo> ListParams();

/// "gbdt", "random_forest" or "both".
std::string_view ParamScopeName(ParamScope scope);

/// The table as plain text for `grove fit --help`: one entry per parameter, grouped by section.
std::string ParamsHelp();
/// docs/params.md, generated. A test diffs it against the file in the repository.
std::string ParamsMarkdown();

}  // namespace grove
