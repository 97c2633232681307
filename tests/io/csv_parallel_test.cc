// Parallel parsing: multi-MB inputs that span many chunks give the same matrix, the same line
// numbers and the same first error for any thread count.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "grove/errors.h"
#include "grove/io.h"

using grove::DataSet;
using grove::InvalidInput;
using grove::io::Buffer;
using grove::io::ReadCsv;
using grove::io::ReadOptions;

namespace {

struct Generated {
  std::string text;
  std::vector<float> values;  // row-major, NaN for missing
  std::vector<float> labels;
};

// Numeric CSV with CRLF/LF line ends, blank lines and missing tokens. Cells are printed with
// fmt's shortest round-trip format, so the parsed floats must equal the generated ones exactly.
Generated MakeNumeric(std::size_t rows, std::size_t features) {
  std::mt19937 rng(7);
  Generated out;
  for (std::size_t r = 0; r < rows; ++r) {
    const float label = static_cast<float>(rng() % 2);
    out.labels.push_back(label);
    out.text += fmt::format("{}", label);
    for (std::size_t c = 0; c < features; ++c) {
      const unsigned draw = rng() % 1000;
      if (draw < 20) {
        out.text += draw < 10 ? "," : ",NA";
        out.values.push_back(grove::kMissing);
      } else {
        const float value = static_cast<float>(static_cast<int>(rng() % 2'000'001) - 1'000'000) /
                            1024.0F * static_cast<float>(draw);
        out.text += fmt::format(",{}", value);
        out.values.push_back(value);
      }
    }
    out.text += (r % 3 == 0) ? "\r\n" : "\n";
    if (r % 1000 == 999) out.text += "\n";
  }
  return out;
}

bool SameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

bool SameValues(const std::vector<float>& actual, const std::vector<float>& expected) {
  if (actual.size() != expected.size()) return false;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (std::isnan(expected[i]) ? !std::isnan(actual[i]) : actual[i] != expected[i]) return false;
  }
  return true;
}

DataSet ReadWithThreads(const std::string& text, int nthread) {
  ReadOptions options;
  options.nthread = nthread;
  return ReadCsv(std::vector<Buffer>{{"big.csv", text}}, options);
}

std::string ErrorWithThreads(const std::string& text, int nthread) {
  try {
    ReadWithThreads(text, nthread);
  } catch (const InvalidInput& e) {
    return e.what();
  }
  return "no error";
}

// Header, a quoted categorical column whose values hold ',' and a line break (every record
// spans two lines), and a quoted numeric column.
std::string MakeQuoted(std::size_t rows) {
  std::string text = "y,tag,v\n";
  for (std::size_t i = 0; i < rows; ++i) {
    text += fmt::format("{},\"k,{}\nz\",\"{}\"\n", i % 2, i % 7, static_cast<double>(i) * 0.25);
  }
  return text;
}

}  // namespace

TEST_CASE("Multi-MB numeric input: same values for 1 and 2 threads, equal to the generator",
          "[unit]") {
  const Generated generated = MakeNumeric(60'000, 12);
  REQUIRE(generated.text.size() > 4'000'000);  // many 512 KiB chunks
  const DataSet one = ReadWithThreads(generated.text, 1);
  const DataSet two = ReadWithThreads(generated.text, 2);
  CHECK(SameValues(one.Dense().values, generated.values));
  CHECK(one.labels == generated.labels);
  CHECK(SameBits(one.Dense().values, two.Dense().values));
  CHECK(one.labels == two.labels);
  CHECK(one.schema == two.schema);
}

TEST_CASE("Multi-MB quoted input with line breaks in fields splits correctly", "[unit]") {
  const std::size_t rows = 150'000;
  const std::string text = MakeQuoted(rows);
  REQUIRE(text.size() > 2'500'000);
  const DataSet one = ReadWithThreads(text, 1);
  const DataSet two = ReadWithThreads(text, 2);
  REQUIRE(one.Dense().rows == rows);
  REQUIRE(one.Dense().cols == 8);  // 7 categories + v
  std::vector<std::string> categories;
  for (int k = 0; k < 7; ++k) categories.push_back(fmt::format("k,{}\nz", k));
  CHECK(one.schema.columns[0].categories == categories);
  bool all_match = true;
  for (std::size_t i = 0; i < rows && all_match; ++i) {
    for (std::size_t k = 0; k < 7; ++k) {
      all_match = all_match && one.Dense().At(i, k) == (k == i % 7 ? 1.0F : 0.0F);
    }
    all_match = all_match && one.Dense().At(i, 7) == static_cast<float>(i) * 0.25F &&
                one.labels[i] == static_cast<float>(i % 2);
  }
  CHECK(all_match);
  CHECK(SameBits(one.Dense().values, two.Dense().values));
  CHECK(one.labels == two.labels);
}

TEST_CASE("Errors deep in a multi-chunk file: right line, earliest error, any thread count",
          "[unit]") {
  const std::size_t rows = 150'000;
  std::string text = MakeQuoted(rows);
  // Break the labels of rows 100000 and 140000 (data row r starts on line 2 + 2r).
  const auto break_row = [&](std::size_t row) {
    const std::string needle = fmt::format("\"{}\"\n", static_cast<double>(row) * 0.25);
    const std::size_t at = text.find(needle);
    REQUIRE(at != std::string::npos);
    const std::size_t line_start = text.rfind('\n', text.rfind('\n', at - 1) - 1) + 1;
    text.insert(line_start, 1, 'x');
  };
  break_row(140'000);
  break_row(100'000);
  const std::string expected = fmt::format(
      "big.csv:{}, column 1 (label \"y\"): cannot parse \"x{}\" as a number (the "
      "label must be numeric)",
      2 + 2 * 100'000, 100'000 % 2);
  CHECK(ErrorWithThreads(text, 1) == expected);
  CHECK(ErrorWithThreads(text, 2) == expected);
  CHECK(ErrorWithThreads(text, 0) == expected);
}

TEST_CASE("Errors deep in a multi-chunk numeric file carry the right line number", "[unit]") {
  Generated generated = MakeNumeric(60'000, 12);
  std::string& text = generated.text;
  // Break the label on physical line 45678 (blank lines included in the count).
  const std::size_t target_line = 45'678;
  std::size_t at = 0;
  for (std::size_t line = 1; line < target_line; ++line) at = text.find('\n', at) + 1;
  REQUIRE(text[at] != '\n');  // not one of the blank lines
  const char label = text[at];
  text.insert(at, 1, 'x');
  const std::string expected = fmt::format(
      "big.csv:{}, column 1 (label): cannot parse \"x{}\" as a number (the label must be numeric)",
      target_line, label);
  CHECK(ErrorWithThreads(text, 1) == expected);
  CHECK(ErrorWithThreads(text, 2) == expected);
}
