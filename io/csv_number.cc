#include "io/csv_number.h"

#include <fmt/format.h>

#include <cctype>
#include <limits>

namespace grove::io::csv {
namespace {

// Rough base-10 exponent of a decimal text that even a double cannot hold: only its sign
// matters (positive: overflow, negative: underflow).
long DecimalExponent(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  long integer_digits = 0;
  long leading_fraction_zeros = 0;
  bool seen_nonzero = false;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    if (text[i] != '0') seen_nonzero = true;
    if (seen_nonzero) ++integer_digits;
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      if (text[i] != '0') seen_nonzero = true;
      if (!seen_nonzero) ++leading_fraction_zeros;
    }
  }
  long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    const bool negative = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      if (exponent < 1'000'000'000L) exponent = exponent * 10 + (text[i] - '0');
    }
    if (negative) exponent = -exponent;
  }
  return integer_digits > 0 ? integer_digits - 1 + exponent : exponent - leading_fraction_zeros - 1;
}

}  // namespace

float OutOfRangeValue(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  const float sign = negative ? -1.0F : 1.0F;
  double parsed = 0.0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (ec == std::errc() && ptr == text.data() + text.size()) {
    // Rounding to float overflows from FLT_MAX + half an ulp (2^103) on; below that the cast
    // rounds to at most FLT_MAX.
    const double overflow = static_cast<double>(std::numeric_limits<float>::max()) + 0x1p103;
    if (std::fabs(parsed) >= overflow) {
      return sign * std::numeric_limits<float>::infinity();
    }
    return static_cast<float>(parsed);
  }
  return DecimalExponent(text) > 0 ? sign * std::numeric_limits<float>::infinity() : sign * 0.0F;
}

std::string QuoteForMessage(std::string_view text) {
  constexpr std::size_t kMaxBytes = 60;
  if (text.size() <= kMaxBytes) return fmt::format("{:?}", text);
  std::size_t cut = kMaxBytes;
  // Do not split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
  return fmt::format("{:?}...", text.substr(0, cut));
}

}  // namespace grove::io::csv
