// tests/test_util.h — small helpers shared by the Catch2 tests.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace grove::test {

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// Writes `text` to `path` (binary, truncating), creating parent directories.
void WriteText(const std::filesystem::path& path, std::string_view text);
std::string ReadText(const std::filesystem::path& path);

/// Runs `script` with Debian's /usr/bin/python3 (GROVE_PYTHON) and returns its stdout.
/// Throws std::runtime_error with stderr when the script fails, so the test fails loudly.
std::string RunPython(const std::string& script);

/// Runs a shell command; returns its exit status and stdout (stderr is merged into it).
struct CommandResult {
  int exit_code = 0;
  std::string output;
};
CommandResult RunCommand(const std::string& command);

}  // namespace grove::test
