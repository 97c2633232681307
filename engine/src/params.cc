// ParseParams, Validate, JSON and the effective-value helpers of TrainParams. The per-parameter
// work is done by the table built from params.def (params_table.cc); the cross-parameter rules
// live in params_combination.cc.
#include "grove/params.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "grove/errors.h"
#include "params_checks.h"
#include "params_table.h"

namespace grove {
namespace detail {

namespace {

enum class Source {
  kUser,    // ParseParams: keys as a user typed them; notes are logged
  kStored,  // FromJson: a config written by ToJson; nothing counts as explicitly given
};

std::string UnknownKeyMessage(std::string_view key, std::string_view normalized) {
  if (const auto why = UnsupportedParamReason(normalized)) {
    return fmt::format("hyperparameter {} is not supported by grove ({}); remove it", key, *why);
  }
  std::vector<std::string_view> candidates;
  for (const ParamEntry& entry : ParamTable()) candidates.push_back(entry.name);
  for (const ParamAlias& alias : ParamAliases()) candidates.push_back(alias.alias);
  if (const auto guess = ClosestMatch(normalized, candidates)) {
    return fmt::format("unknown hyperparameter \"{}\"; did you mean \"{}\"?", key, *guess);
  }
  return fmt::format("unknown hyperparameter \"{}\" (docs/params.md lists them all)", key);
}

const ParamEntry* FindByKey(std::string_view normalized, Source source) {
  if (const ParamEntry* entry = FindParam(normalized)) return entry;
  for (const ParamAlias& alias : ParamAliases()) {
    if (alias.alias != normalized) continue;
    if (source == Source::kUser) {
      LogOnce(LogLevel::kInfo, fmt::format("hyperparameter {} is read as {}", alias.alias,
                                           alias.name));
    }
    return FindParam(alias.name);
  }
  return nullptr;
}

TrainParams ParseItems(const std::vector<std::pair<std::string, std::string>>& items,
                       Source source) {
  TrainParams params;
  Problems problems;
  std::map<std::string_view, std::string> given_as;  // parameter -> the key that set it
  for (const auto& [key, text] : items) {
    std::string normalized = key;
    std::replace(normalized.begin(), normalized.end(), '-', '_');
    // SageMaker adds its own sagemaker_* keys (script mode's sagemaker_program, ...).
    if (normalized.starts_with("sagemaker_")) continue;
    const ParamEntry* entry = FindByKey(normalized, source);
    if (entry == nullptr) {
      problems.Add(UnknownKeyMessage(key, normalized));
      continue;
    }
    const auto [previous, inserted] = given_as.emplace(entry->name, key);
    if (!inserted) {
      problems.Add(fmt::format("hyperparameter {} is given twice (as \"{}\" and \"{}\"); keep one",
                               entry->name, previous->second, key));
      continue;
    }
    if (const auto message = entry->parse(params, text)) {
      problems.Add(fmt::format("hyperparameter {}: {}", key, *message));
    }
  }
  problems.ThrowIfAny();
  GivenNames given;
  if (source == Source::kUser) {
    for (const auto& entry : given_as) given.emplace(entry.first);
    ApplyCompatibility(params, given, problems);
    problems.ThrowIfAny();
  }
  CheckCombination(params, given, problems);
  problems.ThrowIfAny();
  return params;
}

std::string JsonText(const nlohmann::ordered_json& value, const ParamEntry* entry) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "none";
  if (entry != nullptr && entry->is_string_list && value.is_array() &&
      std::all_of(value.begin(), value.end(), [](const auto& item) { return item.is_string(); })) {
    std::vector<std::string> names;
    for (const auto& item : value) names.push_back(item.get<std::string>());
    return fmt::format("{}", fmt::join(names, ","));
  }
  // Numbers, booleans and arrays print as their parsers read them: 1 stays an integer,
  // 1.0 stays a float (nlohmann keeps the decimal point), [[0,1]] stays a nested list.
  return value.dump();
}

}  // namespace
}  // namespace detail

TrainParams ParseParams(const std::map<std::string, std::string>& values) {
  return detail::ParseItems({values.begin(), values.end()}, detail::Source::kUser);
}

void TrainParams::Validate() const {
  detail::Problems problems;
  for (const detail::ParamEntry& entry : detail::ParamTable()) {
    if (const auto message = entry.violation(*this)) {
      problems.Add(fmt::format("hyperparameter {}: {}", entry.name, *message));
    }
  }
  problems.ThrowIfAny();
}

void TrainParams::ValidateCombination() const {
  detail::Problems problems;
  detail::CheckCombination(*this, {}, problems);
  problems.ThrowIfAny();
}

nlohmann::ordered_json TrainParams::ToJson() const {
  nlohmann::ordered_json config = nlohmann::ordered_json::object();
  for (const detail::ParamEntry& entry : detail::ParamTable()) {
    config[std::string(entry.name)] = entry.to_json(*this);
  }
  return config;
}

TrainParams TrainParams::FromJson(const nlohmann::ordered_json& config) {
  if (!config.is_object()) {
    throw InvalidInput(fmt::format(
        "hyperparameter config: expected a JSON object of name/value pairs, got {}",
        config.type_name()));
  }
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto& [key, value] : config.items()) {
    items.emplace_back(key, detail::JsonText(value, detail::FindParam(key)));
  }
  return detail::ParseItems(items, detail::Source::kStored);
}

bool TrainParams::IsClassification() const {
  return objective.starts_with("binary:") || objective.starts_with("multi:");
}

int TrainParams::EffectiveMaxDepth() const { return max_depth.value_or(IsForest() ? 0 : 6); }

std::string TrainParams::EffectiveCriterion() const {
  if (criterion != "auto") return criterion;
  return IsClassification() ? "gini" : "squared_error";
}

Context TrainParams::MakeContext() const {
  Context context;
  context.device = device;
  if (!IsForest()) {
    context.nthread = nthread;
    context.seed = static_cast<uint64_t>(static_cast<int64_t>(seed));
    return context;
  }
  context.seed = static_cast<uint64_t>(random_state.value_or(0));
  const int jobs = n_jobs.value_or(-1);
  if (jobs > 0) {
    context.nthread = jobs;
  } else if (jobs < -1) {
    // joblib's rule: -k means all cores but k - 1.
    const int cores = Context{}.Threads();
    context.nthread = std::max(1, static_cast<int>(static_cast<int64_t>(cores) + 1 + jobs));
  }  // -1: 0 = all cores
  return context;
}

// The Resolve* helpers mirror scikit-learn 1.2.1 (sklearn/tree/_classes.py BaseDecisionTree.fit
// and sklearn/ensemble/_forest.py _get_n_samples_bootstrap), including the double arithmetic,
// so that a fraction resolves to the same count.
int TrainParams::ResolveMaxFeatures(int n_features) const {
  using Kind = CountOrFraction::Kind;
  const auto at_least_one = [](double value) { return std::max(1, static_cast<int>(value)); };
  switch (max_features.kind) {
    case Kind::kNone: return n_features;
    case Kind::kAuto:
      return IsClassification() ? at_least_one(std::sqrt(static_cast<double>(n_features)))
                                : n_features;
    case Kind::kSqrt: return at_least_one(std::sqrt(static_cast<double>(n_features)));
    case Kind::kLog2: return at_least_one(std::log2(static_cast<double>(n_features)));
    case Kind::kFraction: return at_least_one(max_features.fraction * n_features);
    case Kind::kCount: break;
  }
  if (max_features.count > n_features) {
    throw InvalidInput(fmt::format(
        "hyperparameter max_features: {} is more than the {} features of the data; give at "
        "most {} or a fraction such as 0.5",
        max_features.count, n_features, n_features));
  }
  return max_features.count;
}

namespace {
int64_t CeilFraction(double fraction, int64_t n) {
  return static_cast<int64_t>(std::ceil(fraction * static_cast<double>(n)));
}
}  // namespace

int64_t TrainParams::ResolveMinSamplesLeaf(int64_t n_rows) const {
  if (min_samples_leaf.kind == CountOrFraction::Kind::kFraction) {
    return CeilFraction(min_samples_leaf.fraction, n_rows);
  }
  return min_samples_leaf.count;
}

int64_t TrainParams::ResolveMinSamplesSplit(int64_t n_rows) const {
  int64_t split = min_samples_split.count;
  if (min_samples_split.kind == CountOrFraction::Kind::kFraction) {
    split = std::max<int64_t>(2, CeilFraction(min_samples_split.fraction, n_rows));
  }
  return std::max(split, 2 * ResolveMinSamplesLeaf(n_rows));
}

int64_t TrainParams::ResolveMaxSamples(int64_t n_rows) const {
  switch (max_samples.kind) {
    case CountOrFraction::Kind::kFraction:
      // Python's round() rounds half to even, as nearbyint does in the default mode.
      return std::max<int64_t>(
          1, static_cast<int64_t>(std::nearbyint(static_cast<double>(n_rows) *
                                                 max_samples.fraction)));
    case CountOrFraction::Kind::kCount:
      if (max_samples.count > n_rows) {
        throw InvalidInput(fmt::format(
            "hyperparameter max_samples: {} is more than the {} rows of the data; give at "
            "most {} or a fraction such as 0.5",
            max_samples.count, n_rows, n_rows));
      }
      return max_samples.count;
    default: return n_rows;
  }
}

}  // namespace grove
