// Header rows, categorical columns (one-hot) and applying a stored schema.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "grove/errors.h"
#include "grove/io.h"
#include "grove/log.h"
#include "test_util.h"

using grove::ColumnKind;
using grove::ColumnSpec;
using grove::DataSet;
using grove::InvalidInput;
using grove::Schema;
using grove::io::Buffer;
using grove::io::HeaderMode;
using grove::io::ReadCsv;
using grove::io::ReadOptions;

namespace {

constexpr float NA = grove::kMissing;

class LogCapture {
 public:
  LogCapture() {
    grove::SetLogSink([this](grove::LogLevel level, std::string_view message) {
      lines.push_back(std::string(grove::LogLevelName(level)) + " " + std::string(message));
    });
  }
  ~LogCapture() { grove::SetLogSink({}); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  std::vector<std::string> Warnings() const {
    std::vector<std::string> warnings;
    for (const std::string& line : lines) {
      if (line.starts_with("WARNING ")) warnings.push_back(line.substr(8));
    }
    return warnings;
  }
  std::vector<std::string> lines;
};

DataSet Read(const std::string& name, const std::string& text, const ReadOptions& options = {}) {
  return ReadCsv(std::vector<Buffer>{{name, text}}, options);
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

void CheckMatrix(const DataSet& data, const std::vector<std::vector<float>>& expected) {
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

ColumnSpec Numeric(const std::string& name, std::uint32_t first) {
  return ColumnSpec{name, ColumnKind::kNumeric, {}, first};
}

ColumnSpec Categorical(const std::string& name, std::vector<std::string> categories,
                       std::uint32_t first) {
  return ColumnSpec{name, ColumnKind::kCategorical, std::move(categories), first};
}

const char* const kTrain =
    "price,city,size\n"
    "10,Paris,1\n"
    "20,Rome,2\n"
    "30,,3\n"
    "40,Berlin,NA\n"
    "50,Paris,5\n";

}  // namespace

TEST_CASE("Header auto-detection: a text cell in the first row makes it a header", "[unit]") {
  const DataSet data = Read("t.csv", "y,x1,x2\n1,2,3\n");
  CheckMatrix(data, {{2, 3}});
  CHECK(data.labels == std::vector<float>{1});
  CHECK(data.schema.has_header);
  CHECK(data.schema.label_name == "y");
  CHECK(data.schema.weight_name.empty());
  CHECK(data.schema.columns == std::vector<ColumnSpec>{Numeric("x1", 0), Numeric("x2", 1)});
}

TEST_CASE("Header auto-detection: numbers and missing tokens make a data row", "[unit]") {
  const DataSet data = Read("t.csv", "1,NA,?\n2,3,4\n");
  CheckMatrix(data, {{NA, NA}, {3, 4}});
  CHECK_FALSE(data.schema.has_header);
  CHECK(data.schema == Schema::Numeric(2));
}

TEST_CASE("Header modes kPresent and kAbsent override detection", "[unit]") {
  ReadOptions present;
  present.header = HeaderMode::kPresent;
  const DataSet data = Read("t.csv", "1,2,3\n4,5,6\n", present);
  CheckMatrix(data, {{5, 6}});
  CHECK(data.schema.label_name == "1");
  CHECK(data.schema.columns == std::vector<ColumnSpec>{Numeric("2", 0), Numeric("3", 1)});

  ReadOptions absent;
  absent.header = HeaderMode::kAbsent;
  CHECK(ErrorOf({{"t.csv", "y,x\n1,2\n"}}, absent) ==
        "t.csv:1, column 1 (label): cannot parse \"y\" as a number (the label must be numeric)");
}

TEST_CASE("Header with csv_weights names the weight column", "[unit]") {
  ReadOptions options;
  options.csv_weights = true;
  const DataSet data = Read("t.csv", "y,w,x\n1,0.5,3\n", options);
  CheckMatrix(data, {{3}});
  CHECK(data.weights == std::vector<float>{0.5F});
  CHECK(data.schema.label_name == "y");
  CHECK(data.schema.weight_name == "w");
  CHECK(ErrorOf({{"t.csv", "y,w,x\n1,-2,3\n"}}, options) ==
        "t.csv:2, column 2 (weight \"w\"): the weight \"-2\" is negative; weights must be finite "
        "numbers >= 0");
}

TEST_CASE("A text column under a header becomes one-hot features", "[unit]") {
  LogCapture log;
  const DataSet data = Read("train.csv", kTrain);
  // Features: city=Berlin, city=Paris, city=Rome, size. A missing city is NaN in all three.
  CheckMatrix(data, {{0, 1, 0, 1}, {0, 0, 1, 2}, {NA, NA, NA, 3}, {1, 0, 0, NA}, {0, 1, 0, 5}});
  CHECK(data.labels == std::vector<float>{10, 20, 30, 40, 50});
  CHECK(data.schema.columns ==
        std::vector<ColumnSpec>{Categorical("city", {"Berlin", "Paris", "Rome"}, 0),
                                Numeric("size", 3)});
  CHECK(data.schema.label_name == "price");
  CHECK(data.schema.FeatureNames() ==
        std::vector<std::string>{"city=Berlin", "city=Paris", "city=Rome", "size"});
  CHECK(std::find(log.lines.begin(), log.lines.end(),
                  "INFO CSV column 2 \"city\" is categorical (text cell \"Paris\" at "
                  "train.csv:2): 3 categories, one-hot encoded") != log.lines.end());
}

TEST_CASE("Category dictionaries are sorted bytewise and keep number-like cells", "[unit]") {
  const DataSet data = Read("t.csv", "y,c\n1,b\n2,Z\n3,\xC3\xA9\n4,B\n5,10\n6,9\n7,b\n");
  REQUIRE(data.schema.columns.size() == 1);
  CHECK(data.schema.columns[0].categories ==
        std::vector<std::string>{"10", "9", "B", "Z", "b", "\xC3\xA9"});
  const grove::DenseMatrix& m = data.Dense();
  REQUIRE(m.cols == 6);
  CHECK(m.At(0, 4) == 1.0F);  // b
  CHECK(m.At(4, 0) == 1.0F);  // 10
  CHECK(m.At(5, 1) == 1.0F);  // 9
  CHECK(m.At(2, 5) == 1.0F);  // é
}

TEST_CASE("A column with too many distinct texts is refused with the reason", "[unit]") {
  std::string text = "y,id,x\n1,1,0\n";
  for (int i = 0; i < 10'001; ++i) text += fmt::format("1,u{},0\n", i);
  CHECK(ErrorOf({{"t.csv", text}}) ==
        "column 2 \"id\" has 10002 distinct values, more than the 10000 categories grove one-hot "
        "encodes per column; it is treated as categorical because of the text cell \"u0\" at "
        "t.csv:3. Drop identifier-like columns, or fix that cell if the column is meant to be "
        "numeric");
}

TEST_CASE("Later files must repeat the first file's header", "[unit]") {
  const DataSet data =
      ReadCsv(std::vector<Buffer>{{"a.csv", "y,x\n1,2\n"}, {"b.csv", "\ny,x\n3,4\n"}}, {});
  CheckMatrix(data, {{2}, {4}});
  CHECK(ErrorOf({{"a.csv", "y,x\n1,2\n"}, {"b.csv", "y,z\n3,4\n"}}) ==
        "b.csv:1: the header row differs from the one in a.csv:1 at column 2: found \"z\", "
        "expected \"x\" (every file must start with the same header row as the first file)");
  CHECK(ErrorOf({{"a.csv", "y,x\n1,2\n"}, {"b.csv", "3,4\n"}}) ==
        "b.csv:1: the header row differs from the one in a.csv:1 at column 1: found \"3\", "
        "expected \"y\" (every file must start with the same header row as the first file)");
  CHECK(ErrorOf({{"a.csv", "y,x\n1,2\n"}, {"b.csv", "y,x,z\n3,4,5\n"}}) ==
        "b.csv:1: the header row has 3 columns, the one in a.csv:1 has 2 (every file must start "
        "with the same header row as the first file)");
}

TEST_CASE("Schema round trip: infer on one file, apply to another", "[unit]") {
  const DataSet train = Read("train.csv", kTrain);
  // Through JSON, as a model file stores it.
  const Schema stored = Schema::FromJson(train.schema.ToJson());
  ReadOptions options;
  options.schema = &stored;

  SECTION("unseen categories become all zeros, with one warning per column") {
    LogCapture log;
    const DataSet valid =
        Read("validation.csv", "price,city,size\n5,Rome,3\n6,Madrid,4\n7,Oslo,5\n8,,6\n9,Lima,7\n",
             options);
    CheckMatrix(valid, {{0, 0, 1, 3}, {0, 0, 0, 4}, {0, 0, 0, 5}, {NA, NA, NA, 6}, {0, 0, 0, 7}});
    CHECK(valid.labels == std::vector<float>{5, 6, 7, 8, 9});
    CHECK(valid.schema == stored);
    CHECK(log.Warnings() ==
          std::vector<std::string>{"validation.csv: column \"city\": 3 cells held categories not "
                                   "seen in training (e.g. \"Madrid\" at validation.csv:3); "
                                   "encoded as all zeros"});
  }
  SECTION("a file without header is matched by position") {
    const DataSet valid = Read("v.csv", "5,Berlin,3\n", options);
    CheckMatrix(valid, {{1, 0, 0, 3}});
  }
  SECTION("prediction input without the label column") {
    ReadOptions predict = options;
    predict.has_label = false;
    const DataSet input = Read("p.csv", "city,size\nParis,1\n", predict);
    CheckMatrix(input, {{0, 1, 0, 1}});
    CHECK(input.labels.empty());
  }
  SECTION("a reordered header is an error listing the first difference") {
    CHECK(ErrorOf({{"v.csv", "price,size,city\n5,3,Rome\n"}}, options) ==
          "v.csv:1: the header does not match the model's schema: column 2 is \"size\", expected "
          "\"city\" (the schema's columns, in order: \"price\", \"city\", \"size\")");
  }
  SECTION("a different column count is an error") {
    CHECK(ErrorOf({{"v.csv", "5,Rome\n"}}, options) ==
          "v.csv:1: found 2 columns, expected 3 as the model's schema says (label, 2 feature "
          "columns)");
    CHECK(ErrorOf({{"v.csv", "price,city,size,extra\n5,Rome,3,4\n"}}, options) ==
          "v.csv:1: the header has 4 columns, the model's schema has 3 (in order: \"price\", "
          "\"city\", \"size\")");
  }
  SECTION("numeric columns of the schema must hold numbers") {
    CHECK(ErrorOf({{"v.csv", "price,city,size\n5,Rome,big\n"}}, options) ==
          "v.csv:2, column 3 \"size\": cannot parse \"big\" as a number (the model's schema says "
          "this column is numeric)");
  }
}

TEST_CASE("Without a header, text in a feature column is an error with a fix", "[unit]") {
  CHECK(ErrorOf({{"t.csv", "1,2,3\n0,4,Paris\n"}}) ==
        "t.csv:2, column 3: cannot parse \"Paris\" as a number (write missing values as an empty "
        "field, NA, NaN or ?; to treat a text column as categories, add a header row)");
}

TEST_CASE("Fixture files: train with BOM/CRLF/quotes, validate with an unseen category", "[unit]") {
  const std::string dir = std::string(GROVE_TEST_DATA_DIR) + "/csv/";
  const std::vector<Buffer> train_files{
      {"houses_train.csv", grove::test::ReadText(dir + "houses_train.csv")}};
  const DataSet train = ReadCsv(train_files, {});
  // district=Kreuzberg, district=Mitte, Berlin, district=Wedding, rooms, area
  CheckMatrix(train, {{0, 1, 0, 3, 82.5F},
                      {1, 0, 0, 4, NA},
                      {0, 1, 0, 2, 51},
                      {NA, NA, NA, 5, 120},
                      {0, 0, 1, NA, 70.25F}});
  CHECK(train.labels == std::vector<float>{350000, 420000, 199000, 510000, 275000});
  CHECK(train.schema.label_name == "price");
  CHECK(
      train.schema.columns ==
      std::vector<ColumnSpec>{Categorical("district", {"Kreuzberg", "Mitte, Berlin", "Wedding"}, 0),
                              Numeric("rooms", 3), Numeric("area", 4)});

  LogCapture log;
  ReadOptions options;
  options.schema = &train.schema;
  const std::vector<Buffer> valid_files{
      {"houses_valid.csv", grove::test::ReadText(dir + "houses_valid.csv")}};
  const DataSet valid = ReadCsv(valid_files, options);
  CheckMatrix(valid, {{0, 0, 0, 3, 75}, {0, 1, 0, 4, 95.5F}});
  CHECK(valid.labels == std::vector<float>{300000, 450000});
  CHECK(log.Warnings() ==
        std::vector<std::string>{"houses_valid.csv: column \"district\": 1 cell held categories "
                                 "not seen in training (e.g. \"Neuk\xC3\xB6lln\" at "
                                 "houses_valid.csv:2); encoded as all zeros"});
}
