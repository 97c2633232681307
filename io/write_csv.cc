// io/write_csv.cc — a data set as headerless CSV, written atomically (temp file + rename) so that
// a reader never sees half a file and a failed write never replaces a good one.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <random>
#include <string>

#include "grove/errors.h"
#include "grove/io.h"
#include "grove/log.h"

namespace grove::io {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kFlushBytes = std::size_t{1} << 20;

// Shortest text that reads back to the same float (fmt's Dragonbox); NaN (missing) is an
// empty cell.
void AppendValue(fmt::memory_buffer& out, float value) {
  if (!std::isnan(value)) fmt::format_to(std::back_inserter(out), "{}", value);
}

void AppendRow(fmt::memory_buffer& out, const DataSet& data, std::size_t row) {
  AppendValue(out, data.labels[row]);
  if (!data.weights.empty()) {
    out.push_back(',');
    AppendValue(out, data.weights[row]);
  }
  if (data.IsDense()) {
    for (const float value : data.Dense().Row(row)) {
      out.push_back(',');
      AppendValue(out, value);
    }
  } else {
    const CsrMatrix& m = data.Sparse();
    std::uint64_t k = m.row_ptr[row];
    const std::uint64_t end = m.row_ptr[row + 1];
    for (std::size_t col = 0; col < m.cols; ++col) {
      out.push_back(',');
      if (k < end && m.col_index[k] == col) AppendValue(out, m.values[k++]);
    }
  }
  out.push_back('\n');
}

// An open temporary file next to the target; removed on destruction unless committed.
class TempFile {
 public:
  explicit TempFile(const fs::path& target);
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void Write(const fmt::memory_buffer& bytes);
  void Commit();  // flush to disk, close, rename over the target

 private:
  [[noreturn]] void Fail(std::string_view what) const {
    throw IoError(fmt::format("cannot write {}: {} failed: {}", target_.string(), what,
                              std::strerror(errno)));
  }

  fs::path target_;
  fs::path path_;
  int fd_ = -1;
  bool committed_ = true;  // nothing to remove until the file exists
};

TempFile::TempFile(const fs::path& target) : target_(target) {
  static std::atomic<unsigned> counter{0};
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::random_device random;
  // A hidden name, so that a channel reader listing the directory skips a file being written.
  for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
    path_ = dir / fmt::format(".{}.tmp-{}-{}-{:08x}", target.filename().string(), ::getpid(),
                              counter++, random());
    do {
      fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    } while (fd_ < 0 && errno == EINTR);
    if (fd_ < 0 && errno != EEXIST) Fail(fmt::format("creating {}", path_.string()));
  }
  if (fd_ < 0) Fail(fmt::format("creating {}", path_.string()));
  committed_ = false;
}

void TempFile::Write(const fmt::memory_buffer& bytes) {
  const char* data = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      Fail("write");
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

void TempFile::Commit() {
  if (::fsync(fd_) != 0) Fail("fsync");
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) Fail("close");
  if (::rename(path_.c_str(), target_.c_str()) != 0) Fail("rename");
  committed_ = true;
}

}  // namespace

void WriteCsv(const DataSet& data, const fs::path& path) {
  const std::size_t rows = data.NumRows();
  if (data.labels.size() != rows) {
    throw InvalidInput(fmt::format("cannot write {}: the data set has {} rows but {} labels",
                                   path.string(), rows, data.labels.size()));
  }
  if (!data.weights.empty() && data.weights.size() != rows) {
    throw InvalidInput(fmt::format("cannot write {}: the data set has {} rows but {} weights",
                                   path.string(), rows, data.weights.size()));
  }
  if (!data.qids.empty()) {
    Log(LogLevel::kWarning,
        fmt::format("Writing {}: CSV has no place for query ids; they are left out",
                    path.string()));
  }
  if (path.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      throw IoError(fmt::format("cannot write {}: cannot create directory {}: {}", path.string(),
                                path.parent_path().string(), ec.message()));
    }
  }
  TempFile file(path);
  fmt::memory_buffer out;
  for (std::size_t row = 0; row < rows; ++row) {
    AppendRow(out, data, row);
    if (out.size() >= kFlushBytes) {
      file.Write(out);
      out.clear();
    }
  }
  file.Write(out);
  file.Commit();
}

}  // namespace grove::io
