// Tests of io/write_csv.cc: the exact text, CSR expansion, bit-exact round trips through
// ReadCsv, directory creation and the atomic temp-file-and-rename protocol.
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "grove/errors.h"
#include "grove/io.h"
#include "grove/log.h"
#include "test_util.h"

namespace fs = std::filesystem;
using grove::test::ReadText;
using grove::test::TempDir;
using grove::test::WriteText;
using namespace grove;
using namespace grove::io;

namespace {

std::vector<std::uint32_t> Bits(const std::vector<float>& values) {
  std::vector<std::uint32_t> bits;
  for (const float v : values) bits.push_back(std::bit_cast<std::uint32_t>(v));
  return bits;
}

// Bit patterns, with every NaN as one canonical pattern (NaN is "missing", its payload is not).
std::vector<std::uint32_t> CanonicalBits(const std::vector<float>& values) {
  std::vector<std::uint32_t> bits;
  for (const float v : values)
    bits.push_back(std::isnan(v) ? 0x7fc00000U : std::bit_cast<std::uint32_t>(v));
  return bits;
}

// A random finite float from random bits: every exponent, subnormals and -0 included.
float RandomFloat(std::mt19937& rng) {
  for (;;) {
    const float v = std::bit_cast<float>(static_cast<std::uint32_t>(rng()));
    if (std::isfinite(v)) return v;
  }
}

std::vector<std::string> Entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

DataSet ReadBack(const fs::path& path, bool weights) {
  ReadOptions options;
  options.format = Format::kCsv;
  options.header = HeaderMode::kAbsent;
  options.csv_weights = weights;
  return ReadChannel(path, options);
}

}  // namespace

TEST_CASE("WriteCsv writes label, weight, features; NaN as an empty cell", "[unit]") {
  TempDir dir;
  DataSet data;
  DenseMatrix x(2, 3);
  x.At(0, 0) = 1.5F;
  x.At(0, 2) = -3.0F;
  x.At(1, 1) = 1e-7F;
  x.At(1, 2) = 0.1F;
  data.features = x;
  data.labels = {1.0F, 0.0F};
  data.weights = {0.5F, 2.0F};
  WriteCsv(data, dir / "out.csv");
  CHECK(ReadText(dir / "out.csv") == "1,0.5,1.5,,-3\n0,2,,1e-07,0.1\n");
  data.weights.clear();
  WriteCsv(data, dir / "out.csv");
  CHECK(ReadText(dir / "out.csv") == "1,1.5,,-3\n0,,1e-07,0.1\n");
}

TEST_CASE("WriteCsv expands CSR rows with empty cells for absent entries", "[unit]") {
  TempDir dir;
  CsrMatrix m;
  m.rows = 3;
  m.cols = 4;
  m.row_ptr = {0, 2, 2, 4};
  m.col_index = {1, 3, 0, 3};
  m.values = {2.0F, -0.25F, 7.0F, 123456790.0F};
  DataSet data;
  data.features = m;
  data.labels = {1.0F, 2.0F, 3.0F};
  WriteCsv(data, dir / "sparse.csv");
  CHECK(ReadText(dir / "sparse.csv") == "1,,2,,-0.25\n2,,,,\n3,7,,,123456790\n");
}

TEST_CASE("WriteCsv then ReadCsv gives back the identical bits", "[unit]") {
  TempDir dir;
  std::mt19937 rng(7);
  const std::size_t rows = 500;
  const std::size_t cols = 9;
  DenseMatrix x(rows, cols);
  DataSet data;
  for (std::size_t r = 0; r < rows; ++r) {
    data.labels.push_back(RandomFloat(rng));
    data.weights.push_back(std::abs(RandomFloat(rng)));
    for (std::size_t c = 0; c < cols; ++c) {
      if (rng() % 5 != 0 || r == 0) x.At(r, c) = RandomFloat(rng);  // row 0: no NaN
    }
  }
  x.At(3, 0) = -0.0F;
  x.At(4, 0) = std::numeric_limits<float>::denorm_min();
  x.At(5, 0) = std::numeric_limits<float>::max();
  x.At(6, 0) = -std::numeric_limits<float>::min();
  data.features = x;
  WriteCsv(data, dir / "round.csv");
  const DataSet back = ReadBack(dir / "round.csv", true);
  REQUIRE(back.IsDense());
  CHECK(back.Dense().rows == rows);
  CHECK(back.Dense().cols == cols);
  CHECK(CanonicalBits(back.Dense().values) == CanonicalBits(x.values));
  CHECK(Bits(back.labels) == Bits(data.labels));
  CHECK(Bits(back.weights) == Bits(data.weights));
}

TEST_CASE("WriteCsv of a CSR matrix reads back as its dense form", "[unit]") {
  TempDir dir;
  std::mt19937 rng(11);
  CsrMatrix m;
  m.rows = 200;
  m.cols = 12;
  DataSet data;
  for (std::size_t r = 0; r < m.rows; ++r) {
    for (std::uint32_t c = 0; c < m.cols; ++c) {
      if (rng() % 3 == 0 || (r == 0 && c != 5)) {  // row 0: every column but 5 present
        m.col_index.push_back(c);
        m.values.push_back(RandomFloat(rng));
      }
    }
    m.row_ptr.push_back(m.values.size());
    data.labels.push_back(static_cast<float>(r % 2));
  }
  data.features = m;
  WriteCsv(data, dir / "sparse.csv");
  const DataSet back = ReadBack(dir / "sparse.csv", false);
  REQUIRE(back.IsDense());
  CHECK(back.Dense().cols == m.cols);
  CHECK(CanonicalBits(back.Dense().values) == CanonicalBits(m.ToDense().values));
  CHECK(Bits(back.labels) == Bits(data.labels));
}

TEST_CASE("WriteCsv creates parent directories and replaces a file atomically", "[unit]") {
  TempDir dir;
  DataSet data;
  data.features = DenseMatrix(1, 1, 2.0F);
  data.labels = {1.0F};
  const fs::path path = dir / "a/b/out.csv";
  WriteCsv(data, path);
  CHECK(ReadText(path) == "1,2\n");
  data.labels = {0.0F};
  WriteCsv(data, path);
  CHECK(ReadText(path) == "0,2\n");
  CHECK(Entries(dir / "a/b") == std::vector<std::string>{"out.csv"});  // no temp file left
}

TEST_CASE("WriteCsv failures throw and leave no temp file", "[unit]") {
  TempDir dir;
  DataSet data;
  data.features = DenseMatrix(1, 1, 2.0F);
  data.labels = {1.0F};
  fs::create_directories(dir / "target_is_a_dir");
  CHECK_THROWS_MATCHES(WriteCsv(data, dir / "target_is_a_dir"), IoError,
                       Catch::Message("cannot write " + (dir / "target_is_a_dir").string() +
                                      ": rename failed: Is a directory"));
  CHECK(Entries(dir.path()) == std::vector<std::string>{"target_is_a_dir"});
  WriteText(dir / "file", "x");
  CHECK_THROWS_WITH(WriteCsv(data, dir / "file/out.csv"),
                    Catch::StartsWith("cannot write " + (dir / "file/out.csv").string() +
                                      ": cannot create directory " + (dir / "file").string()));
  data.labels = {1.0F, 2.0F};
  CHECK_THROWS_MATCHES(WriteCsv(data, dir / "x.csv"), InvalidInput,
                       Catch::Message("cannot write " + (dir / "x.csv").string() +
                                      ": the data set has 1 rows but 2 labels"));
  data.labels = {1.0F};
  data.weights = {1.0F, 1.0F};
  CHECK_THROWS_MATCHES(WriteCsv(data, dir / "x.csv"), InvalidInput,
                       Catch::Message("cannot write " + (dir / "x.csv").string() +
                                      ": the data set has 1 rows but 2 weights"));
  CHECK(Entries(dir.path()) == std::vector<std::string>{"file", "target_is_a_dir"});
}

TEST_CASE("WriteCsv warns that query ids are not written", "[unit]") {
  TempDir dir;
  DataSet data;
  data.features = DenseMatrix(2, 1, 1.0F);
  data.labels = {1.0F, 0.0F};
  data.qids = {4, 4};
  std::vector<std::string> lines;
  SetLogSink([&](LogLevel, std::string_view line) { lines.emplace_back(line); });
  WriteCsv(data, dir / "q.csv");
  SetLogSink({});
  CHECK(lines == std::vector<std::string>{"Writing " + (dir / "q.csv").string() +
                                          ": CSV has no place for query ids; they are left out"});
  CHECK(ReadText(dir / "q.csv") == "1,1\n0,1\n");
}
