// tests/cli/fit_helpers.h — a fake SageMaker root in a temp dir and process control for the
// end-to-end tests of `grove fit` / `grove train`.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "test_util.h"

namespace grove::test {

/// The built grove binary.
std::string GroveBinary();

/// The guide's demo data set (as `grove demo` writes it): dir/train/train.csv (80%) and
/// dir/validation/validation.csv (20%), headerless, label first, 5 features, 0/1 labels.
void MakeDemoData(const std::filesystem::path& dir, int rows);

/// A SageMaker root (`/opt/ml` layout) under a temp dir.
class SmRoot {
 public:
  SmRoot();
  const std::filesystem::path& path() const { return dir_.path(); }
  std::filesystem::path operator/(std::string_view name) const { return dir_ / name; }
  /// input/config/hyperparameters.json with these string values.
  void Hyperparameters(const std::map<std::string, std::string>& values) const;
  /// input/config/<name> with this JSON text.
  void Config(const std::string& name, const std::string& json) const;
  /// Copies `file` into input/data/<channel>/<name>.
  void AddData(const std::string& channel, const std::filesystem::path& file,
               const std::string& name = "data.csv") const;
  /// `grove train --sm-root <root> [extra]`, output (stdout+stderr) returned.
  CommandResult Train(const std::string& extra = "") const;
  bool HasFailure() const;
  std::string Failure() const;
  /// Sorted file names in model/.
  std::vector<std::string> ModelFiles() const;

 private:
  TempDir dir_;
};

/// Starts `command` through /bin/sh with stdout and stderr into `log`; returns the pid of the
/// command itself (the shell execs it).
pid_t Spawn(const std::string& command, const std::filesystem::path& log);
/// Polls `done` every 20 ms for up to `timeout`; returns whether it became true.
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);
/// Waits for `pid` for up to `timeout`; returns its exit code (128 + signal when killed), or -1
/// on timeout (the process is then killed).
int WaitExit(pid_t pid, std::chrono::milliseconds timeout);

/// The `[i]\t...` lines of a log.
std::vector<std::string> RoundLines(const std::string& log);
/// Replaces each TAB with `#011`, as CloudWatch shows the lines the HPO regexes parse.
std::string CloudWatch(const std::string& line);

}  // namespace grove::test
