// Expands params.def into the ParamEntry table that parsing, validation, JSON and the docs use.
#include "params_table.h"

#include <fmt/format.h>

#include "grove/errors.h"
#include "params_checks.h"

namespace grove::detail {
namespace {

const TrainParams& Defaults() {
  static const TrainParams defaults;
  return defaults;
}

template <class T>
nlohmann::ordered_json ToJsonValue(const T& value) {
  return nlohmann::ordered_json(value);
}
nlohmann::ordered_json ToJsonValue(const Device& value) { return value.ToString(); }
nlohmann::ordered_json ToJsonValue(const CountOrFraction& value) {
  switch (value.kind) {
    case CountOrFraction::Kind::kNone: return nullptr;
    case CountOrFraction::Kind::kCount: return value.count;
    case CountOrFraction::Kind::kFraction: return value.fraction;
    default: return value.ToString();
  }
}
template <class T>
nlohmann::ordered_json ToJsonValue(const std::optional<T>& value) {
  return value ? ToJsonValue(*value) : nlohmann::ordered_json(nullptr);
}

template <class T, class Check>
ParamEntry MakeEntry(std::string_view name, std::string_view section, ParamScope scope,
                     std::string_view doc, T TrainParams::*member, Check check) {
  ParamEntry entry;
  entry.name = name;
  entry.section = section;
  entry.scope = scope;
  entry.doc = doc;
  entry.type_name = std::string(TypeName(static_cast<const T*>(nullptr)));
  entry.default_text = Format(Defaults().*member);
  entry.valid_text = check.Describe();
  entry.is_string_list = std::is_same_v<T, std::vector<std::string>>;
  entry.parse = [name, member, check](TrainParams& params, std::string_view text) {
    return ParseField(name, params.*member, text, check);
  };
  entry.violation = [member, check](const TrainParams& params) {
    return Violation(params.*member, check);
  };
  entry.to_json = [member](const TrainParams& params) { return ToJsonValue(params.*member); };
  entry.is_default = [member](const TrainParams& params) {
    return params.*member == Defaults().*member;
  };
  return entry;
}

std::vector<ParamEntry> BuildTable() {
  std::vector<ParamEntry> table;
  std::string_view section;
  [[maybe_unused]] constexpr ParamScope kBoth = ParamScope::kBoth;
  [[maybe_unused]] constexpr ParamScope kGbdt = ParamScope::kGbdt;
  [[maybe_unused]] constexpr ParamScope kForest = ParamScope::kForest;
#define GROVE_PARAM_SECTION(title) section = title;
#define GROVE_PARAM(type, name, default_value, check, scope, doc) \
  table.push_back(MakeEntry<type>(#name, section, scope, doc, &TrainParams::name, check));
#include "grove/params.def"
  return table;
}

}  // namespace

const std::vector<ParamEntry>& ParamTable() {
  static const std::vector<ParamEntry> table = BuildTable();
  return table;
}

const ParamEntry* FindParam(std::string_view name) {
  for (const ParamEntry& entry : ParamTable()) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

const std::vector<ParamAlias>& ParamAliases() {
  static const std::vector<ParamAlias> aliases = {
#define GROVE_PARAM(type, name, default_value, check, scope, doc)
#define GROVE_PARAM_ALIAS(alias, name) {#alias, #name},
#include "grove/params.def"
  };
  return aliases;
}

const std::vector<std::pair<std::string_view, std::string_view>>& ParamCounterparts() {
  static const std::vector<std::pair<std::string_view, std::string_view>> pairs = {
#define GROVE_PARAM(type, name, default_value, check, scope, doc)
#define GROVE_PARAM_COUNTERPART(forest_name, gbdt_name) {#forest_name, #gbdt_name},
#include "grove/params.def"
  };
  return pairs;
}

const std::vector<std::pair<std::string_view, std::string_view>>& UnsupportedParams() {
  static const std::vector<std::pair<std::string_view, std::string_view>> reasons = {
#define GROVE_PARAM(type, name, default_value, check, scope, doc)
#define GROVE_PARAM_UNSUPPORTED(name, why) {#name, why},
#include "grove/params.def"
  };
  return reasons;
}

std::optional<std::string_view> UnsupportedParamReason(std::string_view name) {
  for (const auto& [key, why] : UnsupportedParams()) {
    if (key == name) return why;
  }
  return std::nullopt;
}

void Problems::ThrowIfAny() const {
  if (!lines_.empty()) throw InvalidInput(fmt::format("{}", fmt::join(lines_, "\n")));
}

}  // namespace grove::detail
