// io/text_scan.h — allocation-free token and number scanning shared by the libsvm reader and
// format detection.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <system_error>

namespace grove::io::scan {

/// Token separators inside a line. '\r' counts as one so that CRLF files need no special case.
inline bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

/// The UTF-8 byte order mark some editors put at the start of a file.
inline std::string_view StripBom(std::string_view text) {
  return text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
}

/// The next blank-separated token of `line` at or after `pos` (empty at the end); `pos` moves
/// past it.
inline std::string_view NextToken(std::string_view line, std::size_t& pos) {
  while (pos < line.size() && IsBlank(line[pos])) ++pos;
  const std::size_t start = pos;
  while (pos < line.size() && !IsBlank(line[pos])) ++pos;
  return line.substr(start, pos - start);
}

/// Parses all of `token` as a float, correctly rounded ("1.5", "+2", "-3e-2", ".5", "nan",
/// "inf"). Values too small for a float become a signed zero, as strtof gives. Returns false
/// when the token is empty, has trailing characters, or overflows float.
inline bool ParseFloat(std::string_view token, float& out) {
  std::string_view digits = token;
  // from_chars rejects the '+' that libsvm labels often carry ("+1").
  if (digits.starts_with('+') && !(digits.size() > 1 && digits[1] == '-')) digits.remove_prefix(1);
  if (digits.empty()) return false;
  const char* end = digits.data() + digits.size();
  const auto result = std::from_chars(digits.data(), end, out);
  if (result.ptr != end) return false;
  if (result.ec == std::errc()) return true;
  if (result.ec != std::errc::result_out_of_range) return false;
  // Underflow or overflow: let strtod tell which (on a bounded stack copy, no allocation).
  char copy[96];
  if (digits.size() >= sizeof(copy)) return false;
  std::memcpy(copy, digits.data(), digits.size());
  copy[digits.size()] = '\0';
  const double wide = std::strtod(copy, nullptr);
  if (!(std::fabs(wide) < 1.0)) return false;
  out = std::signbit(wide) ? -0.0F : 0.0F;
  return true;
}

/// Parses all of `token` as an unsigned decimal integer (digits only, no sign).
inline bool ParseUnsigned(std::string_view token, std::uint64_t& out) {
  if (token.empty() || token[0] < '0' || token[0] > '9') return false;
  const char* end = token.data() + token.size();
  const auto result = std::from_chars(token.data(), end, out);
  return result.ec == std::errc() && result.ptr == end;
}

}  // namespace grove::io::scan
