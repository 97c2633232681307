#include "engine/src/file_bytes.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "grove/errors.h"

namespace grove::detail {

std::string ReadFileBytes(const std::filesystem::path& path, std::string_view what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw IoError(fmt::format("{}: cannot open the {}: {}", path.string(), what,
                              std::strerror(errno)));
  }
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ::close(fd);
    throw IoError(fmt::format("{}: cannot read the {}: it is a directory", path.string(), what));
  }
  std::string bytes;
  char buffer[1 << 16];
  int error = 0;
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      break;
    }
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (error != 0) {
    throw IoError(
        fmt::format("{}: cannot read the {}: {}", path.string(), what, std::strerror(error)));
  }
  return bytes;
}

void WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes,
                         std::string_view what) {
  // pid + counter: concurrent writers (threads or processes) never share a temporary name.
  static std::atomic<std::uint64_t> counter{0};
  std::filesystem::path temp = path;
  temp += fmt::format(".tmp.{}.{}", static_cast<long>(::getpid()), counter.fetch_add(1));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw IoError(fmt::format("{}: cannot create the temporary file {} for the {}: {}",
                              path.string(), temp.string(), what, std::strerror(errno)));
  }
  int error = 0;
  for (std::size_t done = 0; done < bytes.size() && error == 0;) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno != EINTR) error = errno;
    if (n > 0) done += static_cast<std::size_t>(n);
  }
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && ::rename(temp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temp.c_str());
    throw IoError(fmt::format("{}: cannot write the {}: {}", path.string(), what,
                              std::strerror(error)));
  }
}

}  // namespace grove::detail
