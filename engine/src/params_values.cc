// Text <-> value for each hyperparameter type. The rules follow what SageMaker's built-in
// container accepts (Python's int() and float()), so a job that validates there parses here.
#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "grove/errors.h"
#include "params_checks.h"

namespace grove::detail {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Python's int() and float() take one leading '+', std::from_chars does not.
std::string_view StripPlus(std::string_view text) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '-' && text[1] != '+') {
    text.remove_prefix(1);
  }
  return text;
}

// Items of "a, b, c" split on commas outside brackets, trimmed. nullopt when an item is empty
// ("a,,b"); no items for blank text.
std::optional<std::vector<std::string_view>> SplitTopLevel(std::string_view text) {
  std::vector<std::string_view> items;
  if (Trim(text).empty()) return items;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ',';
    if (c == '[' || c == '(') ++depth;
    if (c == ']' || c == ')') --depth;
    if (depth < 0) return std::nullopt;
    if (c == ',' && depth == 0) {
      const std::string_view item = Trim(text.substr(start, i - start));
      if (item.empty()) return std::nullopt;
      items.push_back(item);
      start = i + 1;
    }
  }
  if (depth != 0) return std::nullopt;
  return items;
}

// The inside of "(…)" or "[…]" when `text` is wrapped in one of the given bracket pairs.
std::optional<std::string_view> Unwrap(std::string_view text, bool allow_parens) {
  text = Trim(text);
  if (text.size() < 2) return std::nullopt;
  const char open = text.front();
  const char close = text.back();
  if ((open == '[' && close == ']') || (allow_parens && open == '(' && close == ')')) {
    return text.substr(1, text.size() - 2);
  }
  return std::nullopt;
}

std::optional<std::vector<int>> ParseIntList(std::string_view text, bool allow_parens) {
  const auto inner = Unwrap(text, allow_parens);
  if (!inner) return std::nullopt;
  const auto items = SplitTopLevel(*inner);
  if (!items) return std::nullopt;
  std::vector<int> values;
  for (std::string_view item : *items) {
    const auto value = ParseStrictInt(item);
    if (!value) return std::nullopt;
    values.push_back(*value);
  }
  return values;
}

std::string JoinInts(const std::vector<int>& values, char open, char close) {
  return fmt::format("{}{}{}", open, fmt::join(values, ","), close);
}

}  // namespace

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<int> ParseStrictInt(std::string_view text) {
  text = StripPlus(Trim(text));
  int value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<double> ParseReal(std::string_view text) {
  text = StripPlus(Trim(text));
  double value = 0.0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<bool> ParseBool(std::string_view text) {
  text = Trim(text);
  if (text == "true" || text == "True" || text == "1") return true;
  if (text == "false" || text == "False" || text == "0") return false;
  return std::nullopt;
}

bool IsNoneText(std::string_view text) {
  text = Trim(text);
  return text == "none" || text == "None";
}

std::string FormatReal(double value) { return fmt::format("{}", value); }

std::optional<std::string_view> ClosestMatch(std::string_view word,
                                             const std::vector<std::string_view>& candidates) {
  // Optimal string alignment: Levenshtein plus adjacent transpositions ("max_detph").
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      for (size_t j = 1; j <= b.size(); ++j) {
        const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
        d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
          d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.size()][b.size()];
  };
  const size_t limit = std::max<size_t>(2, word.size() / 3);
  std::optional<std::string_view> best;
  size_t best_distance = limit + 1;
  for (std::string_view candidate : candidates) {
    const size_t dist = distance(word, candidate);
    if (dist < best_distance) {
      best = candidate;
      best_distance = dist;
    }
  }
  return best;
}

// ---- Parse ---------------------------------------------------------------------------------

bool Parse(std::string_view text, int& out) {
  const auto value = ParseStrictInt(text);
  if (value) out = *value;
  return value.has_value();
}

bool Parse(std::string_view text, double& out) {
  const auto value = ParseReal(text);
  if (value) out = *value;
  return value.has_value();
}

bool Parse(std::string_view text, bool& out) {
  const auto value = ParseBool(text);
  if (value) out = *value;
  return value.has_value();
}

bool Parse(std::string_view text, std::string& out) {
  out = std::string(Trim(text));
  return true;
}

bool Parse(std::string_view text, Device& out) {
  try {
    out = Device::Parse(Trim(text));
    return true;
  } catch (const InvalidInput&) {
    return false;
  }
}

bool Parse(std::string_view text, std::vector<std::string>& out) {
  const auto items = SplitTopLevel(text);
  if (!items) return false;
  out.assign(items->begin(), items->end());
  return true;
}

bool Parse(std::string_view text, std::vector<int>& out) {
  auto values = ParseIntList(text, /*allow_parens=*/true);
  if (values) out = std::move(*values);
  return values.has_value();
}

bool Parse(std::string_view text, std::vector<std::vector<int>>& out) {
  const auto inner = Unwrap(text, /*allow_parens=*/false);
  if (!inner) return false;
  const auto items = SplitTopLevel(*inner);
  if (!items) return false;
  std::vector<std::vector<int>> groups;
  for (std::string_view item : *items) {
    auto group = ParseIntList(item, /*allow_parens=*/false);
    if (!group) return false;
    groups.push_back(std::move(*group));
  }
  out = std::move(groups);
  return true;
}

bool Parse(std::string_view text, CountOrFraction& out) {
  text = Trim(text);
  using Kind = CountOrFraction::Kind;
  if (IsNoneText(text)) {
    out = CountOrFraction::None();
  } else if (text == "auto") {
    out = CountOrFraction::Auto();
  } else if (text == "sqrt") {
    out = {Kind::kSqrt, 0, 0.0};
  } else if (text == "log2") {
    out = {Kind::kLog2, 0, 0.0};
  } else if (const auto count = ParseStrictInt(text)) {
    out = CountOrFraction::Count(*count);
  } else if (const auto fraction = ParseReal(text)) {
    out = CountOrFraction::Fraction(*fraction);
  } else {
    return false;
  }
  return true;
}

// ---- Format --------------------------------------------------------------------------------

std::string Format(int value) { return std::to_string(value); }
std::string Format(double value) { return FormatReal(value); }
std::string Format(bool value) { return value ? "true" : "false"; }
std::string Format(const std::string& value) { return value; }
std::string Format(const Device& value) { return value.ToString(); }
std::string Format(const std::vector<std::string>& value) {
  return fmt::format("{}", fmt::join(value, ","));
}
std::string Format(const std::vector<int>& value) { return JoinInts(value, '(', ')'); }
std::string Format(const std::vector<std::vector<int>>& value) {
  std::vector<std::string> groups;
  for (const auto& group : value) groups.push_back(JoinInts(group, '[', ']'));
  return fmt::format("[{}]", fmt::join(groups, ","));
}
std::string Format(const CountOrFraction& value) { return value.ToString(); }

std::string_view TypeName(const int*) { return "int"; }
std::string_view TypeName(const double*) { return "float"; }
std::string_view TypeName(const bool*) { return "bool"; }
std::string_view TypeName(const std::string*) { return "string"; }
std::string_view TypeName(const Device*) { return "device"; }
std::string_view TypeName(const std::vector<std::string>*) { return "comma list"; }
std::string_view TypeName(const std::vector<int>*) { return "int tuple"; }
std::string_view TypeName(const std::vector<std::vector<int>>*) { return "list of int lists"; }
std::string_view TypeName(const CountOrFraction*) { return "int, float or keyword"; }

std::string TypeExpectation(const int*, const std::string& valid) {
  return "an integer in " + valid;
}
std::string TypeExpectation(const double*, const std::string& valid) {
  return "a number in " + valid;
}

}  // namespace grove::detail

namespace grove {

std::string CountOrFraction::ToString() const {
  switch (kind) {
    case Kind::kNone: return "none";
    case Kind::kAuto: return "auto";
    case Kind::kSqrt: return "sqrt";
    case Kind::kLog2: return "log2";
    case Kind::kCount: return std::to_string(count);
    case Kind::kFraction: break;
  }
  // A fraction keeps a decimal point so that "1.0" (all) never reads back as the count 1.
  std::string text = detail::FormatReal(fraction);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

}  // namespace grove
