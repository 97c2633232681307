// io/source.cc — which files a channel holds, and reading one file (plain, gzip, FIFO) into
// memory. The directory rules follow SageMaker's built-in XGBoost container (files up to three
// levels deep), except that hidden entries are skipped with a warning instead of failing the job.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "grove/errors.h"
#include "grove/io.h"
#include "grove/log.h"

namespace grove::io {
namespace {

namespace fs = std::filesystem;

// Files directly in the channel directory are level 1; dir/a/b/file is level 3.
constexpr int kMaxDepth = 3;
constexpr std::size_t kMaxNamesInLog = 10;
constexpr std::size_t kReadChunk = std::size_t{1} << 20;

// ---------------------------------------------------------------------------------------------
// Directory listing

struct Walk {
  fs::path root;
  std::vector<std::pair<std::string, fs::path>> files;  // (relative path, path under root)
  std::vector<std::string> hidden;
  std::vector<std::string> too_deep;
  std::vector<std::string> other;     // sockets, devices: neither data file nor directory
  std::vector<std::string> repeated;  // symbolic links to a directory listed already
  // Directories already listed, by (device, inode): a symlinked directory is listed once, so
  // a link pointing at an ancestor cannot make the walk loop or read a file twice.
  std::set<std::pair<dev_t, ino_t>> visited;
};

std::string JoinNames(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < kMaxNamesInLog; ++i) {
    text += (i == 0 ? "" : ", ") + names[i];
  }
  if (names.size() > kMaxNamesInLog) {
    text += fmt::format(" and {} more", names.size() - kMaxNamesInLog);
  }
  return text;
}

[[noreturn]] void ThrowListError(const fs::path& dir, const std::error_code& ec) {
  throw IoError(fmt::format("cannot list directory {}: {}", dir.string(), ec.message()));
}

// True when `dir` was not listed before (and marks it listed).
bool FirstVisit(Walk& walk, const fs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    throw IoError(fmt::format("cannot read {}: {}", dir.string(), std::strerror(errno)));
  }
  return walk.visited.insert({st.st_dev, st.st_ino}).second;
}

// Lists `dir` (whose files are at level `depth`) in name order, so that when two symbolic
// links reach the same directory, the first in that order is the one listed.
void WalkDirectory(Walk& walk, const fs::path& dir, const std::string& rel, int depth) {
  std::vector<fs::path> children;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) ThrowListError(dir, ec);
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) ThrowListError(dir, ec);
    children.push_back(it->path());
  }
  if (ec) ThrowListError(dir, ec);
  std::sort(children.begin(), children.end());
  for (const fs::path& child : children) {
    const std::string name = child.filename().string();
    const std::string child_rel = rel.empty() ? name : rel + "/" + name;
    if (name.starts_with('.')) {
      walk.hidden.push_back(child_rel);
      continue;
    }
    const fs::file_status status = fs::status(child, ec);  // follows symbolic links
    if (ec || !fs::exists(status)) {
      const std::string reason = ec ? ec.message() : "no such file";
      const bool dangling = fs::is_symlink(fs::symlink_status(child, ec));
      throw IoError(
          fmt::format("cannot read {}: {}", child.string(),
                      dangling ? "broken symbolic link (its target does not exist)" : reason));
    }
    if (fs::is_directory(status)) {
      if (FirstVisit(walk, child)) {
        WalkDirectory(walk, child, child_rel, depth + 1);
      } else {
        walk.repeated.push_back(child_rel);
      }
    } else if (!fs::is_regular_file(status) && !fs::is_fifo(status)) {
      walk.other.push_back(child_rel);
    } else if (depth > kMaxDepth) {
      walk.too_deep.push_back(child_rel);
    } else {
      walk.files.emplace_back(child_rel, walk.root / child_rel);
    }
  }
}

void LogSkipped(const Walk& walk) {
  const std::string root = walk.root.string();
  if (!walk.hidden.empty()) {
    Log(LogLevel::kWarning,
        fmt::format("Skipping {} hidden file(s)/directory(ies) in {}: {} (names starting with '.' "
                    "are ignored)",
                    walk.hidden.size(), root, JoinNames(walk.hidden)));
  }
  if (!walk.too_deep.empty()) {
    Log(LogLevel::kWarning,
        fmt::format("Skipping {} file(s) more than {} levels deep in {}: {}", walk.too_deep.size(),
                    kMaxDepth, root, JoinNames(walk.too_deep)));
  }
  if (!walk.repeated.empty()) {
    Log(LogLevel::kWarning,
        fmt::format("Skipping {} symbolic link(s) in {} to directories listed already: {}",
                    walk.repeated.size(), root, JoinNames(walk.repeated)));
  }
  if (!walk.other.empty()) {
    Log(LogLevel::kWarning,
        fmt::format("Skipping {} entry(ies) in {} that are neither regular files, FIFOs nor "
                    "directories: {}",
                    walk.other.size(), root, JoinNames(walk.other)));
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads up to `size` bytes; 0 means end of file. Retries reads interrupted by signals.
std::size_t ReadSome(int fd, const fs::path& path, char* out, std::size_t size) {
  for (;;) {
    const ssize_t n = ::read(fd, out, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) {
      throw IoError(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
    }
  }
}

// Fills `buffer` from the start until it holds at least `want` bytes or the input ends; a FIFO
// may hand out one byte at a time.
std::size_t ReadAtLeast(int fd, const fs::path& path, std::vector<char>& buffer, std::size_t want) {
  std::size_t filled = 0;
  while (filled < want) {
    const std::size_t n = ReadSome(fd, path, buffer.data() + filled, buffer.size() - filled);
    if (n == 0) break;
    filled += n;
  }
  return filled;
}

std::string ReadPlain(int fd, const fs::path& path, std::vector<char>& chunk, std::size_t filled,
                      std::size_t size_hint) {
  std::string data;
  data.reserve(std::max(size_hint, filled));
  data.append(chunk.data(), filled);
  while (const std::size_t n = ReadSome(fd, path, chunk.data(), chunk.size())) {
    data.append(chunk.data(), n);
  }
  return data;
}

class Inflater {
 public:
  explicit Inflater(const fs::path& path) : path_(path) {
    if (inflateInit2(&stream_, 15 + 16) != Z_OK) {  // 15-bit window, gzip wrapper only
      throw IoError(fmt::format("cannot decompress {}: zlib initialisation failed", path.string()));
    }
  }
  ~Inflater() { inflateEnd(&stream_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Decompresses everything from `fd`; `chunk[0, filled)` holds bytes already read.
  std::string Run(int fd, std::vector<char>& chunk, std::size_t filled, std::size_t size_hint);

 private:
  const fs::path& path_;
  z_stream stream_{};
};

std::string Inflater::Run(int fd, std::vector<char>& chunk, std::size_t filled,
                          std::size_t size_hint) {
  std::string data;
  // Text usually compresses 3-10x; a guess that avoids most regrowth of the output.
  data.reserve(std::max<std::size_t>(size_hint * 4, kReadChunk));
  std::vector<unsigned char> out(kReadChunk);
  std::uint64_t read_total = filled;
  stream_.next_in = reinterpret_cast<unsigned char*>(chunk.data());
  stream_.avail_in = static_cast<uInt>(filled);
  bool in_member = true;  // the caller saw the magic bytes of the first member
  bool eof = false;
  for (;;) {
    if (stream_.avail_in == 0) {
      if (eof) break;
      const std::size_t n = ReadSome(fd, path_, chunk.data(), chunk.size());
      eof = n == 0;
      read_total += n;
      stream_.next_in = reinterpret_cast<unsigned char*>(chunk.data());
      stream_.avail_in = static_cast<uInt>(n);
      continue;
    }
    if (!in_member) {  // more bytes after a complete member: concatenated gzip (`cat a.gz b.gz`)
      inflateReset(&stream_);
      in_member = true;
    }
    stream_.next_out = out.data();
    stream_.avail_out = static_cast<uInt>(out.size());
    const int ret = inflate(&stream_, Z_NO_FLUSH);
    data.append(reinterpret_cast<const char*>(out.data()), out.size() - stream_.avail_out);
    if (ret == Z_STREAM_END) {
      in_member = false;
    } else if (ret != Z_OK && !(ret == Z_BUF_ERROR && stream_.avail_in == 0)) {
      // Z_BUF_ERROR only means "feed me more input"; with input left it would never progress.
      throw IoError(fmt::format(
          "cannot decompress {}: {} at compressed byte {} (corrupt gzip data)", path_.string(),
          stream_.msg != nullptr ? stream_.msg : "zlib error", read_total - stream_.avail_in));
    }
  }
  if (in_member) {
    throw IoError(fmt::format(
        "cannot decompress {}: the gzip data ends early after {} compressed bytes (truncated "
        "file?)",
        path_.string(), read_total));
  }
  return data;
}

}  // namespace

std::vector<fs::path> ListChannelFiles(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      throw IoError(fmt::format("cannot access channel path {}: {}", path.string(), ec.message()));
    }
    const bool dangling = fs::is_symlink(fs::symlink_status(path, ec));
    throw IoError(fmt::format("Channel path {} does not exist{}", path.string(),
                              dangling ? " (broken symbolic link)" : ""));
  }
  if (fs::is_regular_file(status) || fs::is_fifo(status)) return {path};
  if (!fs::is_directory(status)) {
    throw InvalidInput(fmt::format(
        "Channel path {} is neither a regular file, a FIFO nor a directory", path.string()));
  }
  Walk walk;
  walk.root = path;
  FirstVisit(walk, path);
  WalkDirectory(walk, path, "", 1);
  LogSkipped(walk);
  if (walk.files.empty()) {
    throw InvalidInput(fmt::format(
        "No data in channel path {}: it holds no file up to {} levels deep{}", path.string(),
        kMaxDepth, walk.hidden.empty() ? "" : " (hidden entries, starting with '.', are skipped)"));
  }
  // Bytewise order of the relative paths: the same list on every machine and file system.
  std::sort(walk.files.begin(), walk.files.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<fs::path> files;
  files.reserve(walk.files.size());
  for (auto& [rel, full] : walk.files) files.push_back(std::move(full));
  return files;
}

Buffer ReadFile(const fs::path& path) {
  int raw_fd = -1;
  do {
    raw_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // blocks on a FIFO until a writer
  } while (raw_fd < 0 && errno == EINTR);
  if (raw_fd < 0) {
    throw IoError(fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  }
  const FileDescriptor fd(raw_fd);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    throw IoError(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  }
  const std::size_t size_hint = S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) : 0;

  std::vector<char> chunk(kReadChunk);
  const std::size_t filled = ReadAtLeast(fd.get(), path, chunk, 2);
  // gzip is recognised by its magic bytes, not by the name: Pipe mode FIFOs have no extension.
  const bool gzip = filled >= 2 && static_cast<unsigned char>(chunk[0]) == 0x1f &&
                    static_cast<unsigned char>(chunk[1]) == 0x8b;
  Buffer buffer;
  buffer.name = path.string();
  if (gzip) {
    Inflater inflater(path);
    buffer.data = inflater.Run(fd.get(), chunk, filled, size_hint);
  } else {
    buffer.data = ReadPlain(fd.get(), path, chunk, filled, size_hint);
  }
  return buffer;
}

}  // namespace grove::io
