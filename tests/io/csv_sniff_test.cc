// Delimiter sniffing (io/csv_sniff.h) and its effect on ReadCsv.
#include "io/csv_sniff.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "grove/errors.h"
#include "grove/io.h"
#include "grove/log.h"
#include "io/csv_scan.h"

using grove::InvalidInput;
using grove::io::Buffer;
using grove::io::ReadCsv;
using grove::io::ReadOptions;

namespace {

// Collects log lines for the lifetime of the object.
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
  std::vector<std::string> lines;
};

char Sniffed(const std::string& text) {
  const std::vector<Buffer> buffers{{"t.csv", text}};
  const auto files = grove::io::csv::PrepareFiles(buffers);
  return grove::io::csv::ResolveDialect(files, ReadOptions{}).delimiter;
}

}  // namespace

TEST_CASE("Sniffing finds each candidate delimiter", "[unit]") {
  CHECK(Sniffed("1,2,3\n4,5,6\n") == ',');
  CHECK(Sniffed("1\t2\t3\n4\t5\t6\n") == '\t');
  CHECK(Sniffed("1;2;3\n4;5;6\n") == ';');
  CHECK(Sniffed("1|2|3\n4|5|6\n") == '|');
  CHECK(Sniffed("1 2   3\n4  5 6\n") == ' ');
}

TEST_CASE("Sniffing prefers consistent candidates, then real delimiters, then more fields",
          "[unit]") {
  // ',' appears on the first line but not on the next ones; '|' splits every line in two.
  CHECK(Sniffed("1,5|3\n4|5\n6|7\n") == '|');
  // Decimal commas: ';' and ',' are both consistent, ';' gives more fields.
  CHECK(Sniffed("1;2,5;3\n0;1,5;2\n") == ';');
  // ", " separated: ',' and whitespace both split in three; a real delimiter wins.
  CHECK(Sniffed("1, 2, 3\n4, 5, 6\n") == ',');
  // Text with spaces does not fool it.
  CHECK(Sniffed("y,city,x\n1,New York,2\n0,Rio de Janeiro,3\n") == ',');
  // Delimiters inside quotes do not count.
  CHECK(Sniffed("1;\"a,b,c\";2\n0;\"d\";3\n") == ';');
  // Leading blank lines are skipped; only the first file with a line is sampled.
  CHECK(Sniffed("\n\n  \n1\t2\n") == '\t');
}

TEST_CASE("Sniffing logs the choice once, as the built-in container does", "[unit]") {
  LogCapture log;
  const std::vector<Buffer> files{{"a.csv", "1,2\n"}, {"b.csv", "3,4\n"}};
  ReadCsv(files, ReadOptions{});
  CHECK(log.lines == std::vector<std::string>{"INFO Determined delimiter of CSV input is ','"});
  log.lines.clear();
  ReadCsv(std::vector<Buffer>{{"t.csv", "1\t2\n"}}, ReadOptions{});
  CHECK(log.lines == std::vector<std::string>{"INFO Determined delimiter of CSV input is '\\t'"});
  log.lines.clear();
  ReadOptions explicit_delimiter;
  explicit_delimiter.delimiter = ',';
  ReadCsv(files, explicit_delimiter);
  CHECK(log.lines.empty());
}

TEST_CASE("Whitespace-delimited input: runs of spaces and tabs are one delimiter", "[unit]") {
  const grove::DataSet data =
      ReadCsv(std::vector<Buffer>{{"t.csv", "  1   2.5\t 3  \r\n0 4 5\n"}}, ReadOptions{});
  REQUIRE(data.Dense().cols == 2);
  CHECK(data.Dense().values == std::vector<float>{2.5F, 3.0F, 4.0F, 5.0F});
  CHECK(data.labels == std::vector<float>{1.0F, 0.0F});
}

TEST_CASE("A line with no candidate delimiter is an error naming file:line and candidates",
          "[unit]") {
  try {
    ReadCsv(std::vector<Buffer>{{"t.csv", "\n\n12\n34\n"}}, ReadOptions{});
    FAIL("no error");
  } catch (const InvalidInput& e) {
    CHECK(std::string(e.what()) ==
          "t.csv:3: cannot determine the CSV delimiter: the line \"12\" holds none of ',', "
          "'\\t', ';', '|' or whitespace (every line needs the label and at least one feature; "
          "for a single-column file set the delimiter explicitly)");
  }
}

TEST_CASE("All files share the first file's delimiter", "[unit]") {
  const std::vector<Buffer> files{{"a.csv", "1,2\n"}, {"b.csv", "3;4\n"}};
  try {
    ReadCsv(files, ReadOptions{});
    FAIL("no error");
  } catch (const InvalidInput& e) {
    CHECK(std::string(e.what()) == "b.csv:1: found 1 column, expected 2 (as in a.csv:1)");
  }
}

TEST_CASE("An explicit delimiter is used as given", "[unit]") {
  ReadOptions options;
  options.delimiter = '|';
  // With '|' the cell "2,5" is text: the first row becomes a header and there is no data.
  CHECK_THROWS_WITH(ReadCsv(std::vector<Buffer>{{"t.csv", "1|2,5|3\n"}}, options),
                    Catch::Contains("no data rows in t.csv"));
  options.delimiter = ':';
  CHECK(ReadCsv(std::vector<Buffer>{{"t.csv", "1:2:3\n"}}, options).Dense().values ==
        std::vector<float>{2.0F, 3.0F});
  for (const char bad : {'"', '\n', '\r', '.', '-', '+', 'e', '5'}) {
    options.delimiter = bad;
    CHECK_THROWS_WITH(ReadCsv(std::vector<Buffer>{{"t.csv", "1,2\n"}}, options),
                      Catch::Contains("cannot separate CSV fields"));
  }
}
