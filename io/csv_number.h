// io/csv_number.h — classifying and parsing one CSV cell: number, missing token or text.
//
//   float value = 0;
//   switch (csv::ParseCell(csv::Trim(cell, ','), &value)) { ... }
//
// Locale-independent (std::from_chars) and allocation-free: this is the hot path of the reader.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace grove::io::csv {

enum class CellKind { kNumber, kMissing, kText };

/// Characters ignored around a cell: spaces, CR (of CRLF line ends), and tabs unless the tab is
/// the delimiter.
inline bool IsPadding(char c, char delimiter) {
  return c == ' ' || c == '\r' || (c == '\t' && delimiter != '\t');
}

inline std::string_view Trim(std::string_view text, char delimiter) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && IsPadding(text[begin], delimiter)) ++begin;
  while (end > begin && IsPadding(text[end - 1], delimiter)) --end;
  return text.substr(begin, end - begin);
}

/// The tokens SageMaker users write for "no value", plus the empty cell. Any other spelling that
/// parses as NaN ("NAN", "-nan") is missing too, because NaN is grove's missing marker.
inline bool IsMissingToken(std::string_view trimmed) {
  return trimmed.empty() || trimmed == "NA" || trimmed == "NaN" || trimmed == "nan" ||
         trimmed == "?";
}

/// The float nearest to a decimal `text` whose magnitude is beyond float's range: ±inf on
/// overflow, ±0 or a subnormal on underflow (what correctly rounded strtof returns).
float OutOfRangeValue(std::string_view text);

/// Classifies a trimmed cell; on kNumber stores the correctly rounded float in `*value`.
/// Accepts what std::from_chars accepts (1.5, -2, 1e5, .5, inf, infinity) plus a leading '+'.
/// The whole cell must be the number: "1.5kg", "0x1A" and "1 000" are text.
inline CellKind ParseCell(std::string_view trimmed, float* value) {
  const char* first = trimmed.data();
  const char* const last = first + trimmed.size();
  // from_chars rejects '+'; skip one, but never in front of another sign ("+-1" stays text).
  if (last - first > 1 && *first == '+' && first[1] != '-' && first[1] != '+') ++first;
  float parsed = 0.0F;
  const auto [ptr, ec] = std::from_chars(first, last, parsed);
  if (ptr == last && first != last) {
    if (ec == std::errc()) {
      if (std::isnan(parsed)) return CellKind::kMissing;
      *value = parsed;
      return CellKind::kNumber;
    }
    if (ec == std::errc::result_out_of_range) {
      *value = OutOfRangeValue(std::string_view(first, static_cast<std::size_t>(last - first)));
      return CellKind::kNumber;
    }
  }
  return IsMissingToken(trimmed) ? CellKind::kMissing : CellKind::kText;
}

/// The fast path for plain decimals, `[+|-]digits[.digits][(e|E)[+|-]digits]`, starting at
/// `first`: returns the end of the number and stores its value, or returns nullptr when the
/// text has another form (inf, nan, hex, a missing token, text) or needs more than this path
/// does (a mantissa above 2^24 or a decimal exponent outside [-10, 10]); the caller then uses
/// ParseCell. Exact: the mantissa and 10^k (k <= 10) are exact floats and one IEEE multiply or
/// divide rounds correctly (Clinger's fast path), so the result equals std::from_chars'.
inline const char* ParseSimpleFloat(const char* first, const char* last, float* value) {
  static constexpr float kPow10[] = {1e0F, 1e1F, 1e2F, 1e3F, 1e4F, 1e5F,
                                     1e6F, 1e7F, 1e8F, 1e9F, 1e10F};
  const auto digit = [](char c) { return static_cast<unsigned>(c - '0') < 10U; };
  const char* p = first;
  const bool negative = p < last && *p == '-';
  if (p < last && (*p == '-' || *p == '+')) ++p;
  std::uint64_t mantissa = 0;
  int digits = 0;
  int exponent = 0;
  for (; p < last && digit(*p); ++p, ++digits) mantissa = mantissa * 10 + (*p - '0');
  if (p < last && *p == '.') {
    for (++p; p < last && digit(*p); ++p, ++digits, --exponent) {
      mantissa = mantissa * 10 + (*p - '0');
    }
  }
  if (digits == 0 || digits > 18) return nullptr;  // 18 digits cannot overflow uint64
  if (p < last && (*p == 'e' || *p == 'E')) {
    ++p;
    const bool negative_exponent = p < last && *p == '-';
    if (p < last && (*p == '-' || *p == '+')) ++p;
    int written = 0;
    int e = 0;
    for (; p < last && digit(*p) && written < 4; ++p, ++written) e = e * 10 + (*p - '0');
    if (written == 0 || (p < last && digit(*p))) return nullptr;
    exponent += negative_exponent ? -e : e;
  }
  if (mantissa > (std::uint64_t{1} << 24) || exponent < -10 || exponent > 10) {
    if (mantissa != 0) return nullptr;
    exponent = 0;  // zero with any exponent is zero
  }
  float result = static_cast<float>(mantissa);
  result = exponent < 0 ? result / kPow10[-exponent] : result * kPow10[exponent];
  *value = negative ? -result : result;
  return p;
}

/// `text` for an error message: quoted and escaped, cut to about 60 bytes.
std::string QuoteForMessage(std::string_view text);

}  // namespace grove::io::csv
