// The checks of params.def's `check` column: what they accept and how they say so.
#include "params_checks.h"

#include <algorithm>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "grove/errors.h"

namespace grove::detail {
namespace {

std::string FormatBound(int value) { return std::to_string(value); }
std::string FormatBound(double value) {
  if (value == kInf) return "+inf";
  if (value == -kInf) return "-inf";
  return FormatReal(value);
}
std::string FormatValue(int value) { return std::to_string(value); }
std::string FormatValue(double value) { return FormatReal(value); }

// "a, b or c"
std::string JoinOr(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? std::string() : items[0];
  return fmt::format("{} or {}", fmt::join(items.begin(), items.end() - 1, ", "), items.back());
}

std::string_view KeywordName(CountOrFraction::Kind kind) {
  switch (kind) {
    case CountOrFraction::Kind::kAuto: return "auto";
    case CountOrFraction::Kind::kSqrt: return "sqrt";
    case CountOrFraction::Kind::kLog2: return "log2";
    default: return "none";
  }
}

// Leaked on purpose: notes may be logged from static destructors of other objects.
struct OnceRegistry {
  std::mutex mutex;
  std::set<std::string> seen;
};
OnceRegistry& Registry() {
  static auto* registry = new OnceRegistry();
  return *registry;
}

}  // namespace

void LogOnce(LogLevel level, const std::string& message) {
  {
    const std::lock_guard lock(Registry().mutex);
    if (!Registry().seen.insert(message).second) return;
  }
  Log(level, message);
}

void ResetLogOnceForTesting() {
  const std::lock_guard lock(Registry().mutex);
  Registry().seen.clear();
}

// ---- RangeCheck ------------------------------------------------------------------------------

template <class T>
bool RangeCheck<T>::Contains(T value) const {
  // Written so that NaN fails every comparison and lands outside.
  const bool above_lo = open_lo ? value > lo : value >= lo;
  const bool below_hi = open_hi ? value < hi : value <= hi;
  return above_lo && below_hi;
}

template <class T>
std::string RangeCheck<T>::Describe() const {
  // An infinite bound is never reached, so it is always printed open.
  const bool lo_open = open_lo || FormatBound(lo) == "-inf";
  const bool hi_open = open_hi || FormatBound(hi) == "+inf";
  std::string text = fmt::format("{}{}, {}{}", lo_open ? '(' : '[', FormatBound(lo),
                                 FormatBound(hi), hi_open ? ')' : ']');
  if (excluded) text += " except " + FormatValue(*excluded);
  return text;
}

template <class T>
std::optional<std::string> RangeCheck<T>::Violation(T value) const {
  if (!Contains(value)) return fmt::format("{} is not in {}", FormatValue(value), Describe());
  if (excluded && value == *excluded) {
    return fmt::format("{} is not allowed ({})", FormatValue(value), excluded_why);
  }
  return std::nullopt;
}

template struct RangeCheck<int>;
template struct RangeCheck<double>;

// ---- OneOfCheck ------------------------------------------------------------------------------

OneOfCheck OneOfCheck::Alias(std::string_view from, std::string_view to) const {
  auto copy = *this;
  copy.aliases.emplace_back(from, to);
  return copy;
}

OneOfCheck OneOfCheck::Unsupported(std::initializer_list<std::string_view> values,
                                   std::string_view why) const {
  auto copy = *this;
  copy.unsupported.assign(values);
  copy.unsupported_why = why;
  return copy;
}

std::optional<std::string_view> OneOfCheck::AliasTarget(std::string_view value) const {
  for (const auto& [from, to] : aliases) {
    if (from == value) return to;
  }
  return std::nullopt;
}

std::string OneOfCheck::Describe() const { return fmt::format("{}", fmt::join(allowed, ", ")); }

std::optional<std::string> OneOfCheck::Violation(const std::string& value) const {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return std::nullopt;
  if (const auto target = AliasTarget(value)) {
    return fmt::format("\"{}\" is a deprecated name; write \"{}\"", value, *target);
  }
  if (std::find(unsupported.begin(), unsupported.end(), value) != unsupported.end()) {
    return fmt::format("\"{}\" is not supported by grove ({})", value, unsupported_why);
  }
  std::string message = allowed.size() == 1
                            ? fmt::format("got \"{}\", expected {}", value, allowed[0])
                            : fmt::format("got \"{}\", expected one of {}", value, Describe());
  if (const auto guess = ClosestMatch(value, allowed)) {
    message += fmt::format("; did you mean \"{}\"?", *guess);
  }
  return message;
}

std::optional<std::string> ParseField(std::string_view name, std::string& out,
                                      std::string_view text, const OneOfCheck& check) {
  out = std::string(Trim(text));
  if (const auto target = check.AliasTarget(out)) {
    LogOnce(LogLevel::kWarning, fmt::format("{}={} is deprecated; grove reads it as {}={}", name,
                                            out, name, *target));
    out = std::string(*target);
  }
  return check.Violation(out);
}

// ---- list checks -----------------------------------------------------------------------------

std::string EachInCheck::Describe() const {
  return fmt::format("(a,b,...) or [a,b,...], each one of {}", fmt::join(allowed, ", "));
}

std::optional<std::string> EachInCheck::Violation(const std::vector<int>& values) const {
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::find(allowed.begin(), allowed.end(), values[i]) == allowed.end()) {
      return fmt::format("element {} (feature {}) is not one of {}", values[i], i,
                         fmt::join(allowed, ", "));
    }
  }
  return std::nullopt;
}

std::string EachAtLeastCheck::Describe() const {
  return fmt::format("[[i,j,...],...] with feature indices >= {}", lo);
}

std::optional<std::string> EachAtLeastCheck::Violation(
    const std::vector<std::vector<int>>& groups) const {
  for (const auto& group : groups) {
    for (int index : group) {
      if (index < lo) {
        return fmt::format("feature index {} is below {} (indices are 0-based)", index, lo);
      }
    }
  }
  return std::nullopt;
}

std::string MetricNamesCheck::Describe() const {
  return "comma-separated metric names, e.g. auc,logloss";
}

std::optional<std::string> MetricNamesCheck::Violation(
    const std::vector<std::string>& names) const {
  for (const std::string& name : names) {
    if (name.empty()) return std::string("a metric name is empty");
    if (name.find_first_of(", \t\r\n") != std::string::npos) {
      return fmt::format("metric name \"{}\" contains a comma or blank", name);
    }
  }
  return std::nullopt;
}

// ---- CountOrFractionCheck --------------------------------------------------------------------

CountOrFractionCheck CountOrFractionCheck::Keywords(
    std::initializer_list<std::string_view> names) const {
  auto copy = *this;
  for (std::string_view name : names) {
    CountOrFraction value;
    GROVE_CHECK(Parse(name, value) && value.kind != CountOrFraction::Kind::kCount &&
                    value.kind != CountOrFraction::Kind::kFraction,
                fmt::format("params.def: \"{}\" is not a CountOrFraction keyword", name));
    copy.keywords.push_back(value.kind);
  }
  return copy;
}

std::string CountOrFractionCheck::Describe() const {
  std::vector<std::string> parts = {"an integer in " + count.Describe(),
                                    "a number in " + fraction.Describe()};
  for (auto kind : keywords) parts.emplace_back(KeywordName(kind));
  return JoinOr(parts);
}

std::optional<std::string> CountOrFractionCheck::Violation(const CountOrFraction& value) const {
  using Kind = CountOrFraction::Kind;
  if (value.kind == Kind::kCount) return count.Violation(value.count);
  if (value.kind == Kind::kFraction) {
    if (fraction.Contains(value.fraction)) return std::nullopt;
    std::string message =
        fmt::format("{} is not in {}", value.ToString(), fraction.Describe());
    // 2.0 for min_samples_split is most likely a count written as a float.
    if (value.fraction > 1.0 && value.fraction < 1e9 &&
        static_cast<double>(static_cast<long long>(value.fraction)) == value.fraction) {
      message += fmt::format(" (a count is written without a decimal point: {})",
                             static_cast<long long>(value.fraction));
    }
    return message;
  }
  if (std::find(keywords.begin(), keywords.end(), value.kind) != keywords.end()) {
    return std::nullopt;
  }
  return fmt::format("got \"{}\", expected {}", KeywordName(value.kind), Describe());
}

}  // namespace grove::detail
