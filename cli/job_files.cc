#include "cli/job_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "grove/errors.h"

namespace grove::cli {
namespace {

[[noreturn]] void ThrowIo(std::string_view what, const std::filesystem::path& path, int error) {
  throw IoError(fmt::format("cannot {} {}: {} (check that the directory exists, is writable "
                            "and has free space)",
                            what, path.string(), std::strerror(error)));
}

}  // namespace

void WriteFileAtomic(const std::filesystem::path& path, std::string_view text,
                     std::string_view temp_suffix) {
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) ThrowIo("create the directory", dir, ec.value());
  const std::filesystem::path temp =
      temp_suffix.empty()
          ? dir / fmt::format(".{}.tmp.{}.{}", path.filename().string(),
                              static_cast<long>(::getpid()), counter.fetch_add(1))
          : std::filesystem::path(path.string() + std::string(temp_suffix));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) ThrowIo("create", temp, errno);
  int error = 0;
  std::size_t done = 0;
  while (error == 0 && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error = errno;
    else done += static_cast<std::size_t>(n);
  }
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && ::rename(temp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temp.c_str());
    ThrowIo("write", path, error);
  }
}

std::string ReadFileText(const std::filesystem::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) ThrowIo("read", path, errno);
  std::string text;
  char block[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(block, 1, sizeof block, file)) > 0) text.append(block, n);
  const int error = std::ferror(file) != 0 ? (errno != 0 ? errno : EIO) : 0;
  std::fclose(file);
  if (error != 0) ThrowIo("read", path, error);
  return text;
}

std::string FailureText(std::string_view message) {
  if (message.size() <= kFailureReasonLimit) return std::string(message);
  constexpr std::string_view kCut = " [...]";
  const std::size_t room = kFailureReasonLimit - kCut.size();
  std::size_t cut = message.rfind('\n', room);
  if (cut == std::string_view::npos || cut < room / 2) cut = message.rfind(' ', room);
  if (cut == std::string_view::npos || cut < room / 2) cut = room;
  return fmt::format("{}{}\n\n{}", message.substr(0, cut), kCut, message);
}

void WriteFailure(const std::filesystem::path& path, std::string_view message) noexcept {
  try {
    WriteFileAtomic(path, FailureText(message) + "\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "grove: could not write the failure file: %s\n", e.what());
  }
}

}  // namespace grove::cli
