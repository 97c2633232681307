// Tests of io/channel.cc: FormatName, ParseContentType, DetectFormat and ReadChannel over
// directories of CSV, libsvm and gzip files.
#include <fmt/format.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <utility>
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

struct LogCapture {
  std::vector<std::string> lines;
  LogCapture() {
    SetLogSink([this](LogLevel, std::string_view line) { lines.emplace_back(line); });
  }
  ~LogCapture() { SetLogSink({}); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
};

void WriteGzip(const fs::path& path, const std::string& text) {
  gzFile file = gzopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  REQUIRE(gzwrite(file, text.data(), static_cast<unsigned>(text.size())) ==
          static_cast<int>(text.size()));
  REQUIRE(gzclose(file) == Z_OK);
}

std::string ContentTypeError(std::string_view content_type) {
  try {
    ParseContentType(content_type);
  } catch (const InvalidInput& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("FormatName", "[unit]") {
  CHECK(FormatName(Format::kAuto) == "auto");
  CHECK(FormatName(Format::kCsv) == "csv");
  CHECK(FormatName(Format::kLibsvm) == "libsvm");
}

TEST_CASE("ParseContentType accepts SageMaker's CSV and libsvm types", "[unit]") {
  const std::vector<std::pair<std::string, Format>> table = {
      {"csv", Format::kCsv},
      {"text/csv", Format::kCsv},
      {"TEXT/CSV", Format::kCsv},
      {" text/csv ", Format::kCsv},
      {"text/csv;label_size=1", Format::kCsv},
      {"text/csv; label_size = 1 ; charset=utf-8", Format::kCsv},
      {"text/csv;", Format::kCsv},
      {"libsvm", Format::kLibsvm},
      {"text/libsvm", Format::kLibsvm},
      {"text/x-libsvm", Format::kLibsvm},
      {"Text/X-LibSVM", Format::kLibsvm},
      {"text/libsvm;label_size=1", Format::kLibsvm},
  };
  for (const auto& [text, format] : table) {
    INFO(text);
    CHECK(ParseContentType(text) == format);
  }
}

TEST_CASE("ParseContentType rejects other types and bad parameters", "[unit]") {
  const std::string accepted = "csv, text/csv, libsvm, text/libsvm, text/x-libsvm";
  CHECK(ContentTypeError("text/csv;label_size=2") ==
        "content type \"text/csv;label_size=2\": label_size must be 1 (grove reads one label "
        "column), found \"2\"");
  CHECK(ContentTypeError("text/csv;header") ==
        "content type \"text/csv;header\": parameter \"header\" is not of the form key=value");
  for (const char* type : {"parquet", "application/x-parquet", "recordio-protobuf",
                           "application/x-recordio-protobuf"}) {
    CHECK(ContentTypeError(type) ==
          fmt::format("content type \"{}\" is not supported by grove yet; convert the data to CSV "
                      "or libsvm (accepted content types: {})",
                      type, accepted));
  }
  for (const char* type : {"application/json", "", "text/csvx", "text/plain;label_size=1"}) {
    CHECK(ContentTypeError(type) ==
          fmt::format("unknown content type \"{}\"; accepted content types: {}", type, accepted));
  }
}

TEST_CASE("DetectFormat looks at the first data line", "[unit]") {
  const std::vector<std::pair<std::string, Format>> table = {
      {"1 0:1 3:2\n0 1:1\n", Format::kLibsvm},
      {"1:0.5 qid:3 0:1\n", Format::kLibsvm},
      {"# comment\n\n  \n-1 2:3\n", Format::kLibsvm},
      {"+1\t0:1\r\n", Format::kLibsvm},
      {"\xEF\xBB\xBF"
       "1 0:1",
       Format::kLibsvm},
      {"1:2\n", Format::kLibsvm},            // label:weight, no features
      {"1 5:1 # 1,2,3\n", Format::kLibsvm},  // the comment is not looked at
      {"1\n0 3:1\n", Format::kLibsvm},       // a lone label decides nothing; the next line does
      {"1\n2\n", Format::kLibsvm},           // only lone numbers: libsvm rows without features
      {"1\n2,3\n", Format::kCsv},
      {"1,2,3\n", Format::kCsv},
      {"a,b,c\n1,2,3\n", Format::kCsv},
      {"1 2 3\n", Format::kCsv},
      {"1;0:1\n", Format::kCsv},
      {"abc 1:2\n", Format::kCsv},
      {"1 0:1 x\n", Format::kCsv},
      {"12:30,5\n", Format::kCsv},
      {"", Format::kCsv},
      {"\n\n# only comments\n", Format::kCsv},
  };
  for (const auto& [text, format] : table) {
    INFO(text);
    CHECK(DetectFormat(text) == format);
  }
}

TEST_CASE("ReadChannel reads a directory of libsvm files as one data set", "[unit]") {
  TempDir dir;
  WriteText(dir / "a.libsvm", "# first file\n1 0:1 2:2\n");
  WriteText(dir / "b/c.libsvm", "0 9:0.5\n");
  WriteGzip(dir / "b/d.libsvm.gz", "1 1:-1\n");
  WriteText(dir / "b.libsvm", "");
  LogCapture log;
  const DataSet data = ReadChannel(dir.path(), ReadOptions{});
  const CsrMatrix& m = data.Sparse();
  CHECK(m.rows == 3);
  CHECK(m.cols == 10);  // max over files
  CHECK(m.row_ptr == std::vector<std::uint64_t>{0, 2, 3, 4});
  CHECK(m.col_index == std::vector<std::uint32_t>{0, 2, 9, 1});
  CHECK(m.values == std::vector<float>{1.0F, 2.0F, 0.5F, -1.0F});
  CHECK(data.labels == std::vector<float>{1.0F, 0.0F, 1.0F});
  REQUIRE(log.lines.size() == 1);
  CHECK(log.lines[0] == "Reading 4 file(s) from " + dir.path().string() +
                            " as libsvm (detected from the first data line of " +
                            (dir / "a.libsvm").string() + ")");
}

TEST_CASE("ReadChannel detects the format from the first file that has data", "[unit]") {
  TempDir dir;
  WriteText(dir / "0_empty.csv", "\n");
  WriteText(dir / "1.csv", "1,2.5,3\n");
  WriteText(dir / "2.csv", "0,,4\n");
  LogCapture log;
  const DataSet data = ReadChannel(dir.path(), ReadOptions{});
  REQUIRE(data.IsDense());
  const DenseMatrix& m = data.Dense();
  CHECK(m.rows == 2);
  CHECK(m.cols == 2);
  CHECK(m.At(0, 0) == 2.5F);
  CHECK(m.At(0, 1) == 3.0F);
  CHECK(std::isnan(m.At(1, 0)));
  CHECK(m.At(1, 1) == 4.0F);
  CHECK(data.labels == std::vector<float>{1.0F, 0.0F});
  REQUIRE(!log.lines.empty());
  CHECK(log.lines[0] == "Reading 3 file(s) from " + dir.path().string() +
                            " as csv (detected from the first data line of " +
                            (dir / "1.csv").string() + ")");
}

TEST_CASE("ReadChannel uses the given format and options", "[unit]") {
  TempDir dir;
  WriteText(dir / "train", "1 1:10 3:30\n");
  ReadOptions options;
  options.format = Format::kLibsvm;
  options.libsvm_index_base = 1;
  LogCapture log;
  const DataSet data = ReadChannel(dir / "train", options);
  CHECK(data.Sparse().cols == 3);
  CHECK(data.Sparse().col_index == std::vector<std::uint32_t>{0, 2});
  REQUIRE(log.lines.size() == 1);
  CHECK(log.lines[0] == "Reading 1 file(s) from " + (dir / "train").string() + " as libsvm");
  // The same text forced to CSV is not valid CSV data.
  options.format = Format::kCsv;
  CHECK_THROWS_AS(ReadChannel(dir / "train", options), InvalidInput);
}

TEST_CASE("ReadChannel errors: missing path, no rows", "[unit]") {
  TempDir dir;
  CHECK_THROWS_MATCHES(
      ReadChannel(dir / "nope", ReadOptions{}), IoError,
      Catch::Message("Channel path " + (dir / "nope").string() + " does not exist"));
  WriteText(dir / "c/only_comments.libsvm", "# nothing\n");
  LogCapture log;
  ReadOptions libsvm;
  libsvm.format = Format::kLibsvm;
  CHECK_THROWS_MATCHES(ReadChannel(dir / "c", libsvm), InvalidInput,
                       Catch::Message("No data in channel path " + (dir / "c").string() +
                                      ": its 1 file(s) (10 bytes) hold no rows"));
  WriteText(dir / "e/empty.csv", "");
  CHECK_THROWS_AS(ReadChannel(dir / "e", ReadOptions{}), InvalidInput);  // ReadCsv's message
  CHECK_THROWS_AS(ReadChannel(dir / "e", libsvm), InvalidInput);
}

TEST_CASE("ReadChannel tells which file and line each row came from", "[unit]") {
  TempDir dir;
  WriteText(dir / "a.csv", "y,x1,x2\n1,2,3\n0,4,5\n");
  WriteText(dir / "b.csv", "y,x1,x2\n1,6,7\n\n0,8,9\n1,1,1");  // a blank line, no final newline
  RowSources sources;
  ReadOptions options;
  options.sources = &sources;
  const DataSet data = ReadChannel(dir.path(), options);
  REQUIRE(data.NumRows() == 5);
  REQUIRE(sources.files.size() == 2);
  const std::string a = (dir / "a.csv").string(), b = (dir / "b.csv").string();
  CHECK(sources.Describe(0) == a + ":2");
  CHECK(sources.Describe(1) == a + ":3");
  // b.csv's blank line: its rows are no longer one per line, so the row within the file.
  CHECK(sources.Describe(2) == b + ", data row 1 of the file (at or after line 2)");
  CHECK(sources.Describe(4) == b + ", data row 3 of the file (at or after line 4)");
  CHECK(sources.Describe(5).empty());

  TempDir svm;
  WriteText(svm / "a.libsvm", "1 0:1\n0 1:2");
  WriteText(svm / "b.libsvm", "1 0:3\n0 1:4\n");
  WriteText(svm / "c.libsvm", "# comment\n1 0:5\n");
  const DataSet sparse = ReadChannel(svm.path(), options);
  REQUIRE(sparse.NumRows() == 5);
  CHECK(sources.Describe(1) == (svm / "a.libsvm").string() + ":2");
  CHECK(sources.Describe(3) == (svm / "b.libsvm").string() + ":2");
  CHECK(sources.Describe(4) ==
        (svm / "c.libsvm").string() + ", data row 1 of the file (at or after line 1)");
}
