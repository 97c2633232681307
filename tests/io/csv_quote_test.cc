// RFC 4180 quoting: delimiters, doubled quotes and line breaks inside quoted fields.
#include <catch2/catch.hpp>
#include <cmath>
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

DataSet Read(const std::string& text, const ReadOptions& options = {}) {
  return ReadCsv(std::vector<Buffer>{{"t.csv", text}}, options);
}

std::string ErrorOf(const std::string& text, const ReadOptions& options = {}) {
  try {
    Read(text, options);
  } catch (const InvalidInput& e) {
    return e.what();
  }
  FAIL("ReadCsv accepted bad input");
  return "";
}

}  // namespace

TEST_CASE("Quoted numbers parse as numbers; a quoted empty cell is missing", "[unit]") {
  const DataSet data = Read("\"1\",\"2.5\",\" 3 \"\n0,\"\",\"NA\"\n");
  REQUIRE(data.Dense().cols == 2);
  CHECK(data.labels == std::vector<float>{1, 0});
  CHECK(data.Dense().At(0, 0) == 2.5F);
  CHECK(data.Dense().At(0, 1) == 3.0F);
  CHECK(std::isnan(data.Dense().At(1, 0)));
  CHECK(std::isnan(data.Dense().At(1, 1)));
}

TEST_CASE("Quoted categories may hold delimiters, doubled quotes and line breaks", "[unit]") {
  const DataSet data = Read(
      "y,name,v\n"
      "1,\"a,b\",2\n"
      "0,\"say \"\"hi\"\"\",3\r\n"
      "1,\"two\nlines\",4\n"
      "0, \"a,b\" ,5\n");
  REQUIRE(data.schema.columns.size() == 2);
  CHECK(data.schema.columns[0].categories ==
        std::vector<std::string>{"a,b", "say \"hi\"", "two\nlines"});
  const grove::DenseMatrix& m = data.Dense();
  REQUIRE(m.rows == 4);
  REQUIRE(m.cols == 4);
  CHECK(std::vector<float>(m.values.begin(), m.values.end()) ==
        std::vector<float>{1, 0, 0, 2, 0, 1, 0, 3, 0, 0, 1, 4, 1, 0, 0, 5});
  CHECK(data.labels == std::vector<float>{1, 0, 1, 0});
}

TEST_CASE("Line numbers stay right after a quoted line break", "[unit]") {
  CHECK(ErrorOf("y,name,v\n1,\"two\nlines\",4\n\nno,\"x\",5\n") ==
        "t.csv:5, column 1 (label \"y\"): cannot parse \"no\" as a number (the label must be "
        "numeric)");
  // Text after a closing quote is reported on the physical line where it stands.
  CHECK(ErrorOf("1,2\n1,\"a\nb\"\"\"x\n") ==
        "t.csv:3, column 2: unexpected text \"x\\n\" after the closing quote (only the delimiter "
        "',' or the line end may follow it)");
}

TEST_CASE("Broken quoting is an error naming file, line and column", "[unit]") {
  CHECK(ErrorOf("1,2\n0,\"abc,3\n4,5\n") ==
        "t.csv:2, column 2: unterminated quoted field: the '\"' opened here is never closed (a "
        "quoted field ends with a single '\"'; write a literal quote as \"\")");
  CHECK(ErrorOf("1,2\n0,\"ab\"c\n") ==
        "t.csv:2, column 2: unexpected text \"c\\n\" after the closing quote (only the delimiter "
        "',' or the line end may follow it)");
  CHECK(ErrorOf("1,2\n0,ab\"c\n") ==
        "t.csv:2, column 2: a quote character inside an unquoted field (enclose the whole field "
        "in quotes and double the quotes inside it, e.g. \"5'11\"\"\")");
}

TEST_CASE("Quotes work with tab and whitespace delimiters", "[unit]") {
  ReadOptions options;
  options.has_label = false;
  const DataSet tabs = Read("x\ty\n\"a\tb\"\t1\n", options);
  CHECK(tabs.schema.columns[0].categories == std::vector<std::string>{"a\tb"});
  const DataSet spaces = Read("x y\n\"a b\"   1\n  \"c\"  2  \n", options);
  CHECK(spaces.schema.columns[0].categories == std::vector<std::string>{"a b", "c"});
  CHECK(spaces.Dense().values == std::vector<float>{1, 0, 1, 0, 1, 2});
}
