// ParseCell: the number / missing / text decision every CSV cell goes through.
#include "io/csv_number.h"

#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <system_error>
#include <vector>

using grove::io::csv::CellKind;
using grove::io::csv::ParseCell;

namespace {

float Number(const std::string& text) {
  float value = -12345.0F;
  INFO("cell " << text);
  REQUIRE(ParseCell(text, &value) == CellKind::kNumber);
  return value;
}

CellKind Kind(const std::string& text) {
  float value = 0.0F;
  return ParseCell(text, &value);
}

}  // namespace

TEST_CASE("ParseCell reads decimal, exponent, signed and infinite numbers", "[unit]") {
  CHECK(Number("1.5") == 1.5F);
  CHECK(Number("-2") == -2.0F);
  CHECK(Number("+3.25") == 3.25F);
  CHECK(Number("1e5") == 100000.0F);
  CHECK(Number("-.5E-3") == -0.0005F);
  CHECK(Number(".5") == 0.5F);
  CHECK(Number("7.") == 7.0F);
  CHECK(Number("007") == 7.0F);
  CHECK(Number("inf") == std::numeric_limits<float>::infinity());
  CHECK(Number("+Infinity") == std::numeric_limits<float>::infinity());
  CHECK(Number("-inf") == -std::numeric_limits<float>::infinity());
  // Correct rounding to float32: 0.1 is 0x3DCCCCCD, the float nearest to the decimal.
  CHECK(Number("0.1") == 0.1F);
  CHECK(Number("16777217") == 16777216.0F);  // 2^24 + 1 rounds to even
}

TEST_CASE("ParseCell maps magnitudes outside float32 to inf or zero like strtof", "[unit]") {
  CHECK(Number("1e50") == std::numeric_limits<float>::infinity());
  CHECK(Number("-1e50") == -std::numeric_limits<float>::infinity());
  CHECK(Number("1e400") == std::numeric_limits<float>::infinity());
  CHECK(Number("-123456.7e400") == -std::numeric_limits<float>::infinity());
  CHECK(Number("1e-50") == 0.0F);
  CHECK(Number("0.0000001e-400") == 0.0F);
  CHECK(std::signbit(Number("-1e-50")));
  CHECK(Number("3.4028235e38") == std::numeric_limits<float>::max());
  CHECK(Number("3.4028236e38") == std::numeric_limits<float>::infinity());
  CHECK(Number("1e-45") == std::numeric_limits<float>::denorm_min());
}

TEST_CASE("ParseCell recognises the missing tokens and NaN spellings", "[unit]") {
  for (const char* token : {"", "NA", "NaN", "nan", "?", "NAN", "-nan"}) {
    INFO(token);
    CHECK(Kind(token) == CellKind::kMissing);
  }
}

TEST_CASE("ParseCell calls anything else text, never a prefix number", "[unit]") {
  for (const char* text : {"abc", "1.5kg", "0x1A", "1e", "+-1", "++1", "-", "+", "1 000", "1,5",
                           "N/A", "null", "na", "..", "e5", "1.2.3"}) {
    INFO(text);
    CHECK(Kind(text) == CellKind::kText);
  }
}

TEST_CASE("Trim drops blanks and CR but keeps a tab that is the delimiter", "[unit]") {
  using grove::io::csv::Trim;
  CHECK(Trim("  1.5 \r", ',') == "1.5");
  CHECK(Trim("\t1.5\t", ',') == "1.5");
  CHECK(Trim("\t1.5\t", '\t') == "\t1.5\t");
  CHECK(Trim("   ", ',').empty());
}

TEST_CASE("QuoteForMessage escapes and shortens cell text", "[unit]") {
  using grove::io::csv::QuoteForMessage;
  CHECK(QuoteForMessage("abc") == "\"abc\"");
  CHECK(QuoteForMessage("a\"b\n") == "\"a\\\"b\\n\"");
  const std::string shortened = QuoteForMessage(std::string(100, 'x'));
  CHECK(shortened == "\"" + std::string(60, 'x') + "\"...");
}

TEST_CASE("ParseSimpleFloat equals std::from_chars wherever it answers", "[unit]") {
  using grove::io::csv::ParseSimpleFloat;
  // Random decimals in the shapes CSV writers produce, and edge cases of the fast path.
  std::mt19937 rng(11);
  std::vector<std::string> cases = {"0",        "-0",         "1.",        ".5",     "16777216",
                                    "16777217", "0.1",        "1e10",      "1e-10",  "1e11",
                                    "123e-12",  "0e99",       "+7.25",     "1e0005", "3.4e38",
                                    "-.0",      "9999999999", "0.0000001", "8.5e-7", "1E+3"};
  for (int i = 0; i < 200'000; ++i) {
    const unsigned digits = 1 + rng() % 9;
    std::string text = (rng() % 2) ? "-" : "";
    for (unsigned d = 0; d < digits; ++d) text += static_cast<char>('0' + rng() % 10);
    if (rng() % 2) text.insert(text.size() - rng() % digits, 1, '.');
    if (rng() % 4 == 0) {
      text += 'e';
      text += std::to_string(static_cast<int>(rng() % 25) - 12);
    }
    cases.push_back(text);
  }
  std::size_t fast = 0;
  for (const std::string& text : cases) {
    const char* first = text.data();
    const char* last = first + text.size();
    float simple = 0.0F;
    const char* end = ParseSimpleFloat(first, last, &simple);
    if (end == nullptr) continue;
    ++fast;
    const char* from = *first == '+' ? first + 1 : first;
    float reference = 0.0F;
    const auto result = std::from_chars(from, last, reference);
    INFO(text);
    REQUIRE(result.ec == std::errc());
    REQUIRE(end == result.ptr);
    REQUIRE(std::memcmp(&simple, &reference, sizeof(float)) == 0);  // same bits, -0 included
  }
  CHECK(fast > cases.size() / 2);
  float unused = 0.0F;
  for (const char* other : {"", "-", "+", ".", "inf", "nan", "NA", "?", "1e", "1e+", "1e00005",
                            "0.0000000000000000001", "16777217", "1e11", "1e-11", "+-1"}) {
    INFO(other);
    CHECK(ParseSimpleFloat(other, other + std::strlen(other), &unused) == nullptr);
  }
}
