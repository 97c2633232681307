// ReadCsv on headerless numeric input: layout, missing values, line ends, and bad input.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "grove/errors.h"
#include "grove/io.h"
#include "grove/log.h"

using grove::DataSet;
using grove::InvalidInput;
using grove::io::Buffer;
using grove::io::ReadCsv;
using grove::io::ReadOptions;

namespace {

constexpr float NA = grove::kMissing;
constexpr float kInf = std::numeric_limits<float>::infinity();

DataSet ReadText(const std::string& text, const ReadOptions& options = {}) {
  const std::vector<Buffer> files{{"t.csv", text}};
  return ReadCsv(files, options);
}

std::string ErrorOf(const std::vector<Buffer>& files, const ReadOptions& options = {}) {
  try {
    ReadCsv(files, options);
  } catch (const InvalidInput& e) {
    return e.what();
  }
  FAIL("ReadCsv accepted bad input");
  return "";
}

std::string ErrorOf(const std::string& text, const ReadOptions& options = {}) {
  return ErrorOf(std::vector<Buffer>{{"t.csv", text}}, options);
}

void CheckMatrix(const DataSet& data, const std::vector<std::vector<float>>& expected) {
  REQUIRE(data.IsDense());
  const grove::DenseMatrix& m = data.Dense();
  REQUIRE(m.rows == expected.size());
  for (std::size_t r = 0; r < expected.size(); ++r) {
    REQUIRE(m.cols == expected[r].size());
    for (std::size_t c = 0; c < expected[r].size(); ++c) {
      INFO("row " << r << " col " << c);
      if (std::isnan(expected[r][c])) {
        CHECK(std::isnan(m.At(r, c)));
      } else {
        CHECK(m.At(r, c) == expected[r][c]);
      }
    }
  }
}

}  // namespace

TEST_CASE("ReadCsv: label in column 1, features after, numeric schema", "[unit]") {
  const DataSet data = ReadText("1,2.5,3\n0,-1,4e2\n");
  CheckMatrix(data, {{2.5F, 3.0F}, {-1.0F, 400.0F}});
  CHECK(data.labels == std::vector<float>{1.0F, 0.0F});
  CHECK(data.weights.empty());
  CHECK(data.schema == grove::Schema::Numeric(2));
  CHECK_FALSE(data.schema.has_header);
  CHECK(data.schema.label_name.empty());
}

TEST_CASE("ReadCsv: csv_weights puts the weight in column 2", "[unit]") {
  ReadOptions options;
  options.csv_weights = true;
  const DataSet data = ReadText("1,0.5,7,8\n0,2,9,10\n", options);
  CheckMatrix(data, {{7.0F, 8.0F}, {9.0F, 10.0F}});
  CHECK(data.labels == std::vector<float>{1.0F, 0.0F});
  CHECK(data.weights == std::vector<float>{0.5F, 2.0F});
  CHECK(data.schema == grove::Schema::Numeric(2));
}

TEST_CASE("ReadCsv: has_label = false makes every column a feature", "[unit]") {
  ReadOptions options;
  options.has_label = false;
  options.csv_weights = true;  // no label, no weight: prediction input is all features
  const DataSet data = ReadText("1,2,3\n4,5,6\n", options);
  CheckMatrix(data, {{1, 2, 3}, {4, 5, 6}});
  CHECK(data.labels.empty());
  CHECK(data.weights.empty());
  CHECK(data.schema == grove::Schema::Numeric(3));
}

TEST_CASE("ReadCsv: missing tokens become NaN, number forms parse", "[unit]") {
  const DataSet data = ReadText(
      "1,,NA,NaN,nan,?, NA ,  \n"
      "2,+1.5, 2 ,1e5,inf,-inf,.5,-0.25E-2\n");
  CheckMatrix(data,
              {{NA, NA, NA, NA, NA, NA, NA}, {1.5F, 2.0F, 1e5F, kInf, -kInf, 0.5F, -0.0025F}});
  CHECK(data.labels == std::vector<float>{1.0F, 2.0F});
}

TEST_CASE("ReadCsv: CRLF, a UTF-8 BOM and blank lines are accepted", "[unit]") {
  const DataSet data = ReadText(
      "\xEF\xBB\xBF"
      "1,2,3\r\n\r\n   \n0,4,5\r\n\n");
  CheckMatrix(data, {{2, 3}, {4, 5}});
  CHECK(data.labels == std::vector<float>{1.0F, 0.0F});
  // The last line may lack a line end.
  CheckMatrix(ReadText("1,2\n3,4"), {{2}, {4}});
}

TEST_CASE("ReadCsv: line numbers count blank lines, CRLF and the BOM line", "[unit]") {
  CHECK(ErrorOf("\xEF\xBB\xBF"
                "1,2,3\r\n\r\n  \r\n0,4,x\r\n") ==
        "t.csv:4, column 3: cannot parse \"x\" as a number (write missing values as an empty "
        "field, NA, NaN or ?; to treat a text column as categories, add a header row)");
}

TEST_CASE("ReadCsv: files are concatenated in order with their own line numbers", "[unit]") {
  const std::vector<Buffer> files{{"a.csv", "1,10\n2,20\n"}, {"b.csv", "\n3,30\n"}};
  const DataSet data = ReadCsv(files, {});
  CheckMatrix(data, {{10}, {20}, {30}});
  CHECK(data.labels == std::vector<float>{1, 2, 3});
  CHECK(ErrorOf({{"a.csv", "1,10\n"}, {"b.csv", "\n\n3,oops\n"}}) ==
        "b.csv:3, column 2: cannot parse \"oops\" as a number (write missing values as an empty "
        "field, NA, NaN or ?; to treat a text column as categories, add a header row)");
}

TEST_CASE("ReadCsv: a missing, text or infinite label names file:line and column 1", "[unit]") {
  CHECK(ErrorOf("1,2\nNA,3\n") ==
        "t.csv:2, column 1 (label): the label is missing (\"NA\"); every row needs a numeric "
        "label in column 1 (for prediction input without labels, read with has_label = false)");
  CHECK(ErrorOf("1,2\n,3\n") ==
        "t.csv:2, column 1 (label): the label is missing (empty cell); every row needs a numeric "
        "label in column 1 (for prediction input without labels, read with has_label = false)");
  CHECK(ErrorOf("1,2\n0,2\nyes,3\n") ==
        "t.csv:3, column 1 (label): cannot parse \"yes\" as a number (the label must be numeric)");
  CHECK(ErrorOf("1,2\ninf,3\n") ==
        "t.csv:2, column 1 (label): the label \"inf\" is not a finite number");
}

TEST_CASE("ReadCsv: weights must be numbers >= 0 and present", "[unit]") {
  ReadOptions options;
  options.csv_weights = true;
  CHECK(ErrorOf("1,1,5\n0,-0.5,6\n", options) ==
        "t.csv:2, column 2 (weight): the weight \"-0.5\" is negative; weights must be finite "
        "numbers >= 0");
  CHECK(ErrorOf("1,,5\n", options) ==
        "t.csv:1, column 2 (weight): the weight is missing (empty cell); with csv_weights = 1 "
        "every row needs a number >= 0 in column 2");
  CHECK(ErrorOf("1,1,5\n1,heavy,5\n", options) ==
        "t.csv:2, column 2 (weight): cannot parse \"heavy\" as a number (the weight must be a "
        "number >= 0)");
  CHECK(ErrorOf("1,inf,5\n", options) ==
        "t.csv:1, column 2 (weight): the weight \"inf\" is not finite; weights must be finite "
        "numbers >= 0");
  // Zero is a valid weight.
  CHECK(ReadText("1,0,5\n", options).weights == std::vector<float>{0.0F});
}

TEST_CASE("ReadCsv: ragged rows name the line and the row that set the count", "[unit]") {
  CHECK(ErrorOf("1,2,3\n\n1,2\n") == "t.csv:3: found 2 columns, expected 3 (as in line 1)");
  CHECK(ErrorOf("1,2,3\n1,2,3,4\n") == "t.csv:2: found 4 columns, expected 3 (as in line 1)");
  CHECK(ErrorOf("1,2,3\n1,2,3,\n") == "t.csv:2: found 4 columns, expected 3 (as in line 1)");
  CHECK(ErrorOf({{"a.csv", "\n1,2,3\n"}, {"b.csv", "1,2\n"}}) ==
        "b.csv:1: found 2 columns, expected 3 (as in a.csv:2)");
}

TEST_CASE("ReadCsv: too few columns for label, weight and a feature", "[unit]") {
  ReadOptions options;
  options.delimiter = ',';
  CHECK(ErrorOf("1\n2\n", options) ==
        "t.csv:1: found 1 column, expected at least 2 (label and at least one feature column)");
  options.csv_weights = true;
  CHECK(ErrorOf("1,2\n", options) ==
        "t.csv:1: found 2 columns, expected at least 3 (label, weight and at least one feature "
        "column)");
}

TEST_CASE("ReadCsv: no data rows is an error naming the files", "[unit]") {
  CHECK(ErrorOf({{"a.csv", ""}, {"b.csv", "\n  \r\n"}}) ==
        "no data rows in a.csv, b.csv (the files are empty, blank, or hold only a header row)");
  CHECK(ErrorOf({{"a.csv", "y,x\n"}, {"b.csv", "y,x\n\n"}}) ==
        "no data rows in a.csv, b.csv (the files are empty, blank, or hold only a header row; "
        "a.csv:1 was taken as a header row because of the text cell \"y\")");
  // A single row with a typo is taken as a header; the message says so.
  CHECK(ErrorOf("1,2,3x\n") ==
        "no data rows in t.csv (the files are empty, blank, or hold only a header row; t.csv:1 "
        "was taken as a header row because of the text cell \"3x\")");
}

TEST_CASE("ReadCsv: bad options are rejected", "[unit]") {
  ReadOptions options;
  options.nthread = -1;
  CHECK(ErrorOf("1,2\n", options) == "nthread is -1, expected 0 (all cores) or a positive number");
  CHECK_THROWS_AS(ReadCsv(std::vector<Buffer>{}, ReadOptions{}), InvalidInput);
}
