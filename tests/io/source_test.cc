// Tests of io/source.cc: channel listing (order, depth, hidden entries, symlinks, errors) and
// ReadFile over plain files, gzip (by magic bytes, concatenated members) and FIFOs (Pipe mode).
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>
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
  std::vector<std::pair<LogLevel, std::string>> lines;
  LogCapture() {
    SetLogSink([this](LogLevel level, std::string_view line) {
      lines.emplace_back(level, std::string(line));
    });
  }
  ~LogCapture() { SetLogSink({}); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
};

// gzip bytes of `text`, written with zlib's gzip file API (an independent writer).
std::string Gzip(const std::string& text) {
  TempDir dir;
  const fs::path path = dir / "x.gz";
  gzFile file = gzopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  REQUIRE(gzwrite(file, text.data(), static_cast<unsigned>(text.size())) ==
          static_cast<int>(text.size()));
  REQUIRE(gzclose(file) == Z_OK);
  return ReadText(path);
}

// Feeds `bytes` into a FIFO from another thread, `piece` bytes per write() call, like the
// SageMaker agent streaming a channel in Pipe mode.
class FifoWriter {
 public:
  FifoWriter(fs::path fifo, std::string bytes, std::size_t piece)
      : fifo_(std::move(fifo)), bytes_(std::move(bytes)) {
    std::signal(SIGPIPE, SIG_IGN);  // a reader that gives up must not kill the test process
    thread_ = std::thread([this, piece] {
      const int fd = ::open(fifo_.c_str(), O_WRONLY);  // blocks until the reader opens
      opened_ = true;
      if (fd < 0) return;
      for (std::size_t at = 0; at < bytes_.size();) {
        const ssize_t n = ::write(fd, bytes_.data() + at, std::min(piece, bytes_.size() - at));
        if (n <= 0) break;
        at += static_cast<std::size_t>(n);
      }
      ::close(fd);
    });
  }
  ~FifoWriter() {
    if (!opened_) {  // the reader never came (a failed test): let the writer's open() return
      const int fd = ::open(fifo_.c_str(), O_RDONLY | O_NONBLOCK);
      if (fd >= 0) ::close(fd);
    }
    thread_.join();
  }
  FifoWriter(const FifoWriter&) = delete;
  FifoWriter& operator=(const FifoWriter&) = delete;

 private:
  fs::path fifo_;
  std::string bytes_;
  std::atomic<bool> opened_{false};
  std::thread thread_;
};

fs::path MakeFifo(const fs::path& path) {
  REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
  return path;
}

// A multi-megabyte text, larger than a pipe's 64 KiB buffer, with distinct lines.
std::string BigText() {
  std::string text;
  for (int i = 0; i < 200000; ++i)
    text += std::to_string(i) + " 0:" + std::to_string(i % 97) + "\n";
  return text;
}

}  // namespace

TEST_CASE("ListChannelFiles sorts a directory bytewise by relative path", "[unit]") {
  TempDir dir;
  for (const char* name : {"b.csv", "a.csv", "sub/c.csv", "a/x", "A.csv", "a.csv.gz", "sub/B"}) {
    WriteText(dir / name, "1,2\n");
  }
  const std::vector<fs::path> expected = {dir / "A.csv",    dir / "a.csv", dir / "a.csv.gz",
                                          dir / "a/x",      dir / "b.csv", dir / "sub/B",
                                          dir / "sub/c.csv"};
  CHECK(ListChannelFiles(dir.path()) == expected);
}

TEST_CASE("ListChannelFiles returns a file channel as itself", "[unit]") {
  TempDir dir;
  WriteText(dir / "train.csv", "1,2\n");
  CHECK(ListChannelFiles(dir / "train.csv") == std::vector<fs::path>{dir / "train.csv"});
}

TEST_CASE("ListChannelFiles reads three levels deep and logs the deeper files", "[unit]") {
  TempDir dir;
  for (const char* name : {"l1", "a/l2", "a/b/l3", "a/b/c/l4", "a/b/c/e/l5", "z/y/x/w"}) {
    WriteText(dir / name, "1 0:1\n");
  }
  LogCapture log;
  CHECK(ListChannelFiles(dir.path()) ==
        std::vector<fs::path>{dir / "a/b/l3", dir / "a/l2", dir / "l1"});
  REQUIRE(log.lines.size() == 1);
  CHECK(log.lines[0].first == LogLevel::kWarning);
  CHECK(log.lines[0].second == "Skipping 3 file(s) more than 3 levels deep in " +
                                   dir.path().string() + ": a/b/c/e/l5, a/b/c/l4, z/y/x/w");
}

TEST_CASE("ListChannelFiles skips hidden files and directories with a warning", "[unit]") {
  TempDir dir;
  for (const char* name : {"data.csv", ".hidden", ".git/config", "sub/.DS_Store", "sub/x.csv"}) {
    WriteText(dir / name, "1,2\n");
  }
  LogCapture log;
  CHECK(ListChannelFiles(dir.path()) == std::vector<fs::path>{dir / "data.csv", dir / "sub/x.csv"});
  REQUIRE(log.lines.size() == 1);
  CHECK(log.lines[0].first == LogLevel::kWarning);
  CHECK(log.lines[0].second == "Skipping 3 hidden file(s)/directory(ies) in " +
                                   dir.path().string() +
                                   ": .git, .hidden, sub/.DS_Store (names starting with '.' are "
                                   "ignored)");
}

TEST_CASE("ListChannelFiles follows symlinks to files and never lists a directory twice",
          "[unit]") {
  TempDir outside;
  WriteText(outside / "real.csv", "7,8\n");
  WriteText(outside / "more/m.csv", "9,9\n");
  TempDir dir;
  WriteText(dir / "plain.csv", "1,2\n");
  fs::create_symlink(outside / "real.csv", dir / "link.csv");
  fs::create_directories(dir / "sub");
  fs::create_directory_symlink(dir.path(), dir / "sub/loop");     // points at an ancestor
  fs::create_directory_symlink(outside / "more", dir / "more1");  // the same directory twice
  fs::create_directory_symlink(outside / "more", dir / "more2");
  LogCapture log;
  const std::vector<fs::path> files = ListChannelFiles(dir.path());
  CHECK(files == std::vector<fs::path>{dir / "link.csv", dir / "more1/m.csv", dir / "plain.csv"});
  CHECK(ReadFile(files[0]).data == "7,8\n");
  REQUIRE(log.lines.size() == 1);
  CHECK(log.lines[0].second == "Skipping 2 symbolic link(s) in " + dir.path().string() +
                                   " to directories listed already: more2, sub/loop");
}

TEST_CASE("ListChannelFiles errors: missing path, empty or hidden-only directory, broken link",
          "[unit]") {
  TempDir dir;
  const fs::path missing = dir / "nope";
  CHECK_THROWS_MATCHES(ListChannelFiles(missing), IoError,
                       Catch::Message("Channel path " + missing.string() + " does not exist"));
  fs::create_directories(dir / "empty");
  CHECK_THROWS_MATCHES(ListChannelFiles(dir / "empty"), InvalidInput,
                       Catch::Message("No data in channel path " + (dir / "empty").string() +
                                      ": it holds no file up to 3 levels deep"));
  WriteText(dir / "hidden_only/.x", "1\n");
  LogCapture log;
  CHECK_THROWS_MATCHES(ListChannelFiles(dir / "hidden_only"), InvalidInput,
                       Catch::Message("No data in channel path " + (dir / "hidden_only").string() +
                                      ": it holds no file up to 3 levels deep (hidden entries, "
                                      "starting with '.', are skipped)"));
  fs::create_directories(dir / "broken");
  fs::create_symlink(dir / "gone.csv", dir / "broken/link.csv");
  CHECK_THROWS_MATCHES(ListChannelFiles(dir / "broken"), IoError,
                       Catch::Message("cannot read " + (dir / "broken/link.csv").string() +
                                      ": broken symbolic link (its target does not exist)"));
}

TEST_CASE("ReadFile returns the bytes and the path as the name", "[unit]") {
  TempDir dir;
  const std::string text = std::string("1,2\r\n3,4\n") + '\0' + "tail";
  WriteText(dir / "a.csv", text);
  const Buffer buffer = ReadFile(dir / "a.csv");
  CHECK(buffer.name == (dir / "a.csv").string());
  CHECK(buffer.data == text);
  WriteText(dir / "empty", "");
  CHECK(ReadFile(dir / "empty").data.empty());
  WriteText(dir / "one", "\x1f");  // one byte that starts like gzip
  CHECK(ReadFile(dir / "one").data == "\x1f");
}

TEST_CASE("ReadFile errors name the path and the system's reason", "[unit]") {
  TempDir dir;
  CHECK_THROWS_MATCHES(
      ReadFile(dir / "nope.csv"), IoError,
      Catch::Message("cannot open " + (dir / "nope.csv").string() + ": No such file or directory"));
  CHECK_THROWS_MATCHES(ReadFile(dir.path()), IoError,
                       Catch::Message("cannot read " + dir.path().string() + ": Is a directory"));
}

TEST_CASE("ReadFile decompresses gzip recognised by its magic bytes", "[unit]") {
  TempDir dir;
  const std::string text = BigText();
  const std::string packed = Gzip(text);
  REQUIRE(packed.size() < text.size() / 3);
  WriteText(dir / "train.libsvm.gz", packed);
  WriteText(dir / "no_extension", packed);
  CHECK(ReadFile(dir / "train.libsvm.gz").data == text);
  CHECK(ReadFile(dir / "no_extension").data == text);
  // A .gz name on plain text is read as plain text.
  WriteText(dir / "plain.gz", "1 0:1\n");
  CHECK(ReadFile(dir / "plain.gz").data == "1 0:1\n");
}

TEST_CASE("ReadFile reads concatenated gzip members as one stream", "[unit]") {
  TempDir dir;
  WriteText(dir / "cat.gz", Gzip("1 0:1\n2 1:2\n") + Gzip("") + Gzip("3 2:3\n"));
  CHECK(ReadFile(dir / "cat.gz").data == "1 0:1\n2 1:2\n3 2:3\n");
}

TEST_CASE("ReadFile rejects truncated and corrupt gzip", "[unit]") {
  TempDir dir;
  const std::string packed = Gzip(BigText());
  const fs::path truncated = dir / "truncated.gz";
  WriteText(truncated, packed.substr(0, packed.size() / 2));
  CHECK_THROWS_MATCHES(
      ReadFile(truncated), IoError,
      Catch::Message(fmt::format("cannot decompress {}: the gzip data ends early after {} "
                                 "compressed bytes (truncated file?)",
                                 truncated.string(), packed.size() / 2)));
  std::string corrupt = packed;
  corrupt[3] = '\xff';  // reserved header flag bits
  WriteText(dir / "corrupt.gz", corrupt);
  CHECK_THROWS_WITH(ReadFile(dir / "corrupt.gz"),
                    Catch::StartsWith("cannot decompress " + (dir / "corrupt.gz").string() +
                                      ": unknown header flags set at compressed byte"));
  WriteText(dir / "garbage.gz", Gzip("1 0:1\n") + "trailing text");
  CHECK_THROWS_WITH(ReadFile(dir / "garbage.gz"),
                    Catch::Contains("incorrect header check") && Catch::Contains("corrupt gzip"));
}

TEST_CASE("ReadFile reads a FIFO to its end (Pipe mode)", "[unit]") {
  TempDir dir;
  const fs::path fifo = MakeFifo(dir / "train_0");
  CHECK(ListChannelFiles(fifo) == std::vector<fs::path>{fifo});  // listing does not open it
  const std::string text = BigText();
  Buffer buffer;
  {
    FifoWriter writer(fifo, text, 4096);
    buffer = ReadFile(fifo);
  }
  CHECK(buffer.name == fifo.string());
  CHECK(buffer.data == text);
}

TEST_CASE("ReadFile decompresses gzip streamed through a FIFO", "[unit]") {
  TempDir dir;
  const fs::path fifo = MakeFifo(dir / "train_0");
  const std::string text = BigText();
  // One byte per write at first: the magic bytes may arrive in separate reads.
  for (const std::size_t piece : {std::size_t{1}, std::size_t{65536}}) {
    std::string packed = Gzip(text.substr(0, piece == 1 ? 5000 : text.size())) + Gzip("x\n");
    std::string data;
    {
      FifoWriter writer(fifo, packed, piece);
      data = ReadFile(fifo).data;
    }
    CHECK(data == text.substr(0, piece == 1 ? 5000 : text.size()) + "x\n");
  }
}

TEST_CASE("ReadChannel reads a Pipe mode FIFO, plain and gzipped", "[unit]") {
  TempDir dir;
  const fs::path fifo = MakeFifo(dir / "train_0");
  const std::string text = "1 0:0.5 2:2\n0 1:-1\n";
  for (const bool gzip : {false, true}) {
    DataSet data;
    {
      FifoWriter writer(fifo, gzip ? Gzip(text) : text, 3);
      data = ReadChannel(fifo, ReadOptions{});
    }
    const CsrMatrix& m = data.Sparse();
    CHECK(m.rows == 2);
    CHECK(m.cols == 3);
    CHECK(m.row_ptr == std::vector<std::uint64_t>{0, 2, 3});
    CHECK(m.col_index == std::vector<std::uint32_t>{0, 2, 1});
    CHECK(m.values == std::vector<float>{0.5F, 2.0F, -1.0F});
    CHECK(data.labels == std::vector<float>{1.0F, 0.0F});
  }
}

TEST_CASE("ReadChannel reads CSV from a FIFO, plain and gzipped", "[unit]") {
  TempDir dir;
  const fs::path fifo = MakeFifo(dir / "train_0");
  const std::string text = "1,0.5,2\n0,-1,\n";
  for (const bool gzip : {false, true}) {
    DataSet data;
    {
      FifoWriter writer(fifo, gzip ? Gzip(text) : text, 2);
      ReadOptions options;
      options.format = Format::kCsv;
      data = ReadChannel(fifo, options);
    }
    REQUIRE(data.IsDense());
    const DenseMatrix& m = data.Dense();
    CHECK(m.rows == 2);
    CHECK(m.cols == 2);
    CHECK(m.At(0, 0) == 0.5F);
    CHECK(m.At(0, 1) == 2.0F);
    CHECK(m.At(1, 0) == -1.0F);
    CHECK(std::isnan(m.At(1, 1)));
    CHECK(data.labels == std::vector<float>{1.0F, 0.0F});
  }
}
