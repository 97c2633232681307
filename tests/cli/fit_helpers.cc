#include "fit_helpers.h"

#include "grove/demo.h"
#include "grove/io.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace grove::test {

std::string GroveBinary() { return GROVE_CLI; }

void MakeDemoData(const std::filesystem::path& dir, int rows) {
  const DemoData demo = grove::MakeDemoData(static_cast<std::size_t>(rows), 42);
  io::WriteCsv(demo.train, dir / "train/train.csv");
  io::WriteCsv(demo.test, dir / "validation/validation.csv");
}

SmRoot::SmRoot() {
  std::filesystem::create_directories(dir_ / "input/config");
  std::filesystem::create_directories(dir_ / "input/data");
}

void SmRoot::Hyperparameters(const std::map<std::string, std::string>& values) const {
  std::string json = "{";
  for (const auto& [k, v] : values) {
    if (json.size() > 1) json += ", ";
    std::string escaped;
    for (const char c : v) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    json += "\"" + k + "\": \"" + escaped + "\"";
  }
  Config("hyperparameters.json", json + "}");
}

void SmRoot::Config(const std::string& name, const std::string& json) const {
  WriteText(dir_ / "input/config" / name, json);
}

void SmRoot::AddData(const std::string& channel, const std::filesystem::path& file,
                     const std::string& name) const {
  const auto target = dir_ / "input/data" / channel / name;
  std::filesystem::create_directories(target.parent_path());
  std::filesystem::copy_file(file, target, std::filesystem::copy_options::overwrite_existing);
}

CommandResult SmRoot::Train(const std::string& extra) const {
  return RunCommand(GroveBinary() + " train --sm-root " + path().string() + " " + extra);
}

bool SmRoot::HasFailure() const { return std::filesystem::exists(dir_ / "output/failure"); }

std::string SmRoot::Failure() const { return ReadText(dir_ / "output/failure"); }

std::vector<std::string> SmRoot::ModelFiles() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_ / "model", ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

pid_t Spawn(const std::string& command, const std::filesystem::path& log) {
  const std::string script = "exec " + command + " >" + log.string() + " 2>&1";
  const char* argv[] = {"/bin/sh", "-c", script.c_str(), nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
    throw std::runtime_error("posix_spawn failed for " + command);
  }
  return pid;
}

bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

int WaitExit(pid_t pid, std::chrono::milliseconds timeout) {
  int status = 0;
  const bool exited = WaitUntil([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, timeout);
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<std::string> RoundLines(const std::string& log) {
  std::vector<std::string> lines;
  std::istringstream in(log);
  std::string line;
  static const std::regex kRound(R"(^\[[0-9]+\]\t.*)");
  while (std::getline(in, line)) {
    if (std::regex_match(line, kRound)) lines.push_back(line);
  }
  return lines;
}

std::string CloudWatch(const std::string& line) {
  return std::regex_replace(line, std::regex("\t"), "#011");
}

}  // namespace grove::test
