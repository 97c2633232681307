// params.def turned into data: one ParamEntry per hyperparameter, plus its alias, counterpart
// and unsupported-key rows. Internal to the engine (params*.cc and the params tests).
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "grove/params.h"

namespace grove::detail {

struct ParamEntry {
  std::string_view name;
  std::string_view section;
  std::string_view doc;
  ParamScope scope = ParamScope::kBoth;
  std::string type_name;     ///< TypeName of the field
  std::string default_text;  ///< the default, formatted as ParseParams reads it
  std::string valid_text;    ///< the check's Describe()
  bool is_string_list = false;  ///< JSON arrays of strings become comma lists

  /// Parses and checks `text` into the field: the message tail on failure.
  std::function<std::optional<std::string>(TrainParams&, std::string_view)> parse;
  /// The message tail when the field's value is not allowed.
  std::function<std::optional<std::string>(const TrainParams&)> violation;
  std::function<nlohmann::ordered_json(const TrainParams&)> to_json;
  std::function<bool(const TrainParams&)> is_default;
};

/// params.def order.
const std::vector<ParamEntry>& ParamTable();
const ParamEntry* FindParam(std::string_view name);

struct ParamAlias {
  std::string_view alias;
  std::string_view name;
};
const std::vector<ParamAlias>& ParamAliases();

/// (forest name, gbdt name) pairs for "for gbdt use num_round" messages.
const std::vector<std::pair<std::string_view, std::string_view>>& ParamCounterparts();

/// (name, reason) of keys SageMaker's built-in container accepts and grove rejects.
const std::vector<std::pair<std::string_view, std::string_view>>& UnsupportedParams();
/// The reason a key SageMaker's built-in container accepts is rejected here, if it is one.
std::optional<std::string_view> UnsupportedParamReason(std::string_view name);

/// Problems found so far; Throw raises one InvalidInput with one problem per line.
class Problems {
 public:
  void Add(std::string message) { lines_.push_back(std::move(message)); }
  bool Empty() const { return lines_.empty(); }
  void ThrowIfAny() const;

 private:
  std::vector<std::string> lines_;
};

/// Names the user gave explicitly (after alias resolution). Parameters of the other algorithm
/// count as set when they are given or differ from their default.
using GivenNames = std::set<std::string, std::less<>>;

/// The rules of ValidateCombination, with `given` from ParseParams (empty otherwise).
void CheckCombination(const TrainParams& params, const GivenNames& given, Problems& problems);

/// Rewrites and one-time notes for the built-in container's legacy settings a user gave
/// (tree_method=gpu_hist becomes device=cuda, sketch_eps is noted as unused, ...).
void ApplyCompatibility(TrainParams& params, const GivenNames& given, Problems& problems);

}  // namespace grove::detail
