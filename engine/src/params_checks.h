// The vocabulary of params.def's `check` column, and the value parsers and formatters for
// each field type. Internal to the engine; params_table.cc is the one user of the templates.
//
// Every check has `Describe()` (the "valid values" text of the docs and of parse errors) and
// `Violation(value)`, which returns the message tail after "hyperparameter <name>: " when the
// value is not allowed.
#pragma once

#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grove/log.h"
#include "grove/params.h"

namespace grove::detail {

inline constexpr int kIntMin = std::numeric_limits<int>::min();
inline constexpr int kIntMax = std::numeric_limits<int>::max();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

// ---- value text --------------------------------------------------------------------------

std::string_view Trim(std::string_view text);
/// Python's int(): optional sign, decimal digits, surrounding blanks; no '.', exponent or 0x.
std::optional<int> ParseStrictInt(std::string_view text);
/// Python's float() for decimal and scientific text (and inf/nan, which checks then reject).
std::optional<double> ParseReal(std::string_view text);
std::optional<bool> ParseBool(std::string_view text);
/// "none" or "None".
bool IsNoneText(std::string_view text);
/// Shortest text that reads back as `value` ("0.3", "1", "1e-06", "inf").
std::string FormatReal(double value);
/// The closest candidate by optimal-string-alignment distance, if it is close enough to be a
/// plausible typo of `word`.
std::optional<std::string_view> ClosestMatch(std::string_view word,
                                             const std::vector<std::string_view>& candidates);

/// Logs `message` the first time it is seen in this process (deprecation and "ignored" notes).
void LogOnce(LogLevel level, const std::string& message);
/// Forgets the messages LogOnce has seen, so that a test can observe the first one again.
void ResetLogOnceForTesting();

// ---- checks ------------------------------------------------------------------------------

template <class T>
struct RangeCheck {
  T lo{};
  T hi{};
  bool open_lo = false;
  bool open_hi = false;
  std::optional<T> excluded;
  std::string_view excluded_why;

  RangeCheck OpenMin() const { auto copy = *this; copy.open_lo = true; return copy; }
  RangeCheck OpenMax() const { auto copy = *this; copy.open_hi = true; return copy; }
  RangeCheck Except(T value, std::string_view why) const {
    auto copy = *this;
    copy.excluded = value;
    copy.excluded_why = why;
    return copy;
  }
  bool Contains(T value) const;
  std::string Describe() const;
  std::optional<std::string> Violation(T value) const;
};
extern template struct RangeCheck<int>;
extern template struct RangeCheck<double>;

template <class T>
RangeCheck<T> Range(T lo, T hi) {
  RangeCheck<T> check;
  check.lo = lo;
  check.hi = hi;
  return check;
}
inline RangeCheck<int> AtLeast(int lo) { return Range(lo, kIntMax); }
inline RangeCheck<double> AtLeast(double lo) { return Range(lo, kInf); }
inline RangeCheck<double> Above(double lo) { return Range(lo, kInf).OpenMin(); }
inline RangeCheck<double> Finite() { return Range(-kInf, kInf).OpenMin().OpenMax(); }

/// A string from a fixed set; `Alias` values are read as their target (and warned about once),
/// `Unsupported` values get their own message instead of "expected one of".
struct OneOfCheck {
  std::vector<std::string_view> allowed;
  std::vector<std::pair<std::string_view, std::string_view>> aliases;
  std::vector<std::string_view> unsupported;
  std::string_view unsupported_why;

  OneOfCheck Alias(std::string_view from, std::string_view to) const;
  OneOfCheck Unsupported(std::initializer_list<std::string_view> values,
                         std::string_view why) const;
  /// The target of an alias, if `value` is one.
  std::optional<std::string_view> AliasTarget(std::string_view value) const;
  std::string Describe() const;
  std::optional<std::string> Violation(const std::string& value) const;
};
inline OneOfCheck OneOf(std::initializer_list<std::string_view> values) {
  OneOfCheck check;
  check.allowed.assign(values);
  return check;
}

/// No constraint beyond the type (bool, device).
struct AnyCheck {
  std::string_view description;
  std::string Describe() const { return std::string(description); }
  template <class T>
  std::optional<std::string> Violation(const T&) const {
    return std::nullopt;
  }
};
inline AnyCheck AnyBool() { return {"true, false, True, False, 1 or 0"}; }
inline AnyCheck AnyDevice() { return {"cpu, cuda or cuda:N"}; }

/// monotone_constraints: every element from a small set.
struct EachInCheck {
  std::vector<int> allowed;
  std::string Describe() const;
  std::optional<std::string> Violation(const std::vector<int>& values) const;
};
inline EachInCheck EachIn(std::initializer_list<int> values) { return {values}; }

/// interaction_constraints: every index at least `lo`.
struct EachAtLeastCheck {
  int lo;
  std::string Describe() const;
  std::optional<std::string> Violation(const std::vector<std::vector<int>>& groups) const;
};
inline EachAtLeastCheck EachAtLeast(int lo) { return {lo}; }

/// eval_metric: non-empty names without blanks or commas. The metric registry lives in
/// grove_metrics, which the trainer consults; the engine's parameter layer only keeps names.
struct MetricNamesCheck {
  std::string Describe() const;
  std::optional<std::string> Violation(const std::vector<std::string>& names) const;
};
inline MetricNamesCheck MetricNames() { return {}; }

/// CountOrFraction: a count range, a fraction range and the keywords allowed.
struct CountOrFractionCheck {
  RangeCheck<int> count;
  RangeCheck<double> fraction;
  std::vector<CountOrFraction::Kind> keywords = {};

  CountOrFractionCheck Keywords(std::initializer_list<std::string_view> names) const;
  std::string Describe() const;
  std::optional<std::string> Violation(const CountOrFraction& value) const;
};
inline CountOrFractionCheck CountOrFrac(RangeCheck<int> count, RangeCheck<double> fraction) {
  CountOrFractionCheck check;
  check.count = count;
  check.fraction = fraction;
  return check;
}

// ---- per-type parse and format -----------------------------------------------------------
//
// Parse(text, out) returns false when the text is not of the type at all; the caller then
// reports `got "<text>", expected <TypeExpectation>`.

bool Parse(std::string_view text, int& out);
bool Parse(std::string_view text, double& out);
bool Parse(std::string_view text, bool& out);
bool Parse(std::string_view text, std::string& out);
bool Parse(std::string_view text, Device& out);
bool Parse(std::string_view text, std::vector<std::string>& out);
bool Parse(std::string_view text, std::vector<int>& out);
bool Parse(std::string_view text, std::vector<std::vector<int>>& out);
bool Parse(std::string_view text, CountOrFraction& out);

std::string Format(int value);
std::string Format(double value);
std::string Format(bool value);
std::string Format(const std::string& value);
std::string Format(const Device& value);
std::string Format(const std::vector<std::string>& value);
std::string Format(const std::vector<int>& value);
std::string Format(const std::vector<std::vector<int>>& value);
std::string Format(const CountOrFraction& value);

std::string_view TypeName(const int*);
std::string_view TypeName(const double*);
std::string_view TypeName(const bool*);
std::string_view TypeName(const std::string*);
std::string_view TypeName(const Device*);
std::string_view TypeName(const std::vector<std::string>*);
std::string_view TypeName(const std::vector<int>*);
std::string_view TypeName(const std::vector<std::vector<int>>*);
std::string_view TypeName(const CountOrFraction*);

/// "an integer in [0, 10]", "a number in (0, 1]", "one of a, b", ...
std::string TypeExpectation(const int*, const std::string& valid);
std::string TypeExpectation(const double*, const std::string& valid);
template <class T>
std::string TypeExpectation(const T*, const std::string& valid) {
  return valid;
}

// ---- optional<T>: "none"/"None" unsets; the check applies to the value when set ----------

template <class T>
bool Parse(std::string_view text, std::optional<T>& out) {
  if (IsNoneText(text)) {
    out.reset();
    return true;
  }
  T value{};
  if (!Parse(text, value)) return false;
  out = std::move(value);
  return true;
}
template <class T>
std::string Format(const std::optional<T>& value) {
  return value ? Format(*value) : std::string("none");
}
template <class T>
std::string TypeName(const std::optional<T>*) {
  return std::string(TypeName(static_cast<const T*>(nullptr))) + " or none";
}
template <class T>
std::string TypeExpectation(const std::optional<T>*, const std::string& valid) {
  return "none or " + TypeExpectation(static_cast<const T*>(nullptr), valid);
}
template <class T, class Check>
std::optional<std::string> Violation(const std::optional<T>& value, const Check& check) {
  if (!value) return std::nullopt;
  return check.Violation(*value);
}
template <class T, class Check>
std::optional<std::string> Violation(const T& value, const Check& check) {
  return check.Violation(value);
}

/// Parses `text` into `out` and checks it: the message tail on failure, nullopt when accepted.
template <class T, class Check>
std::optional<std::string> ParseField(std::string_view /*name*/, T& out, std::string_view text,
                                      const Check& check) {
  if (!Parse(text, out)) {
    return "got \"" + std::string(text) + "\", expected " +
           TypeExpectation(static_cast<const T*>(nullptr), check.Describe());
  }
  return Violation(out, check);
}
/// Strings from a set: an alias (objective=reg:linear) is rewritten to its target and warned
/// about once.
std::optional<std::string> ParseField(std::string_view name, std::string& out,
                                      std::string_view text, const OneOfCheck& check);

}  // namespace grove::detail
