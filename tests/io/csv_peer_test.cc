// grove's CSV matrix against pandas.read_csv on the same messy-but-valid file.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "grove/io.h"
#include "test_util.h"

using grove::io::Buffer;
using grove::io::ReadCsv;
using grove::io::ReadOptions;

namespace {

// One cell in one of the spellings both readers accept: plain, quoted, padded with spaces,
// with '+' or an exponent, or one of the missing tokens (pandas does not trim those, so they
// are never padded).
std::string MessyCell(std::mt19937& rng) {
  const int magnitude = static_cast<int>(rng() % 1'999'999) - 999'999;
  const int exponent = static_cast<int>(rng() % 13) - 8;
  switch (rng() % 12) {
    case 0:
      return "";
    case 1:
      return "NA";
    case 2:
      return "NaN";
    case 3:
      return "nan";
    case 4:
      return "?";
    case 5:
      return "\"\"";
    case 6:
      return fmt::format("\"{}e{}\"", magnitude, exponent);
    case 7:
      return fmt::format("  {}e{} ", magnitude, exponent);
    case 8:
      return fmt::format("+{}", std::abs(magnitude));
    case 9:
      return fmt::format("{}E{}", magnitude, exponent);
    case 10:
      return fmt::format("{}.{:03}", magnitude / 1000, std::abs(magnitude) % 1000);
    default:
      return fmt::format("{}", static_cast<double>(magnitude) / 64.0);
  }
}

std::string MessyCsv(std::size_t rows, std::size_t features) {
  std::mt19937 rng(2024);
  std::string text;
  for (std::size_t r = 0; r < rows; ++r) {
    const unsigned label = rng() % 4;
    text += (r % 5 == 0) ? fmt::format("\"{}\"", label) : fmt::format("{}", label);
    for (std::size_t c = 0; c < features; ++c) {
      text += ',';
      text += MessyCell(rng);
    }
    text += "\r\n";
    if (r % 17 == 16) text += "\r\n";
  }
  return text;
}

}  // namespace

TEST_CASE("ReadCsv matches pandas.read_csv value by value on a messy file", "[peer]") {
  const std::size_t rows = 400;
  const std::size_t features = 8;
  const std::string text = MessyCsv(rows, features);
  grove::test::TempDir dir;
  const auto path = dir / "messy.csv";
  grove::test::WriteText(path, text);

  const grove::DataSet data = ReadCsv(std::vector<Buffer>{{"messy.csv", text}}, ReadOptions{});

  const std::string output = grove::test::RunPython(fmt::format(R"(
import numpy as np
import pandas as pd
df = pd.read_csv("{}", header=None, na_values=["", "NA", "NaN", "nan", "?"],
                 keep_default_na=False, float_precision="round_trip")
assert all(t.kind in "fi" for t in df.dtypes), df.dtypes
a = df.to_numpy(dtype=np.float64).astype(np.float32)
print(a.shape[0], a.shape[1])
for v in a.ravel():
    print("nan" if np.isnan(v) else repr(float(v)))
)",
                                                                path.string()));
  std::istringstream lines(output);
  std::size_t peer_rows = 0;
  std::size_t peer_cols = 0;
  lines >> peer_rows >> peer_cols;
  REQUIRE(peer_rows == rows);
  REQUIRE(peer_cols == features + 1);
  REQUIRE(data.Dense().rows == rows);
  REQUIRE(data.Dense().cols == features);
  std::size_t mismatches = 0;
  std::size_t missing = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c <= features; ++c) {
      std::string token;
      lines >> token;
      const float ours = c == 0 ? data.labels[r] : data.Dense().At(r, c - 1);
      if (token == "nan") {
        ++missing;
        if (!std::isnan(ours)) ++mismatches;
        continue;
      }
      float peer = 0.0F;
      std::from_chars(token.data(), token.data() + token.size(), peer);
      if (ours != peer) {
        ++mismatches;
        UNSCOPED_INFO("row " << r << " col " << c << ": grove " << ours << ", pandas " << token);
      }
    }
  }
  CHECK(mismatches == 0);
  CHECK(missing > rows);  // the file really exercises the missing tokens
}
