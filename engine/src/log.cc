#include "grove/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <utility>

#include <fmt/format.h>

namespace grove {
namespace {

struct LogState {
  std::mutex mutex;
  LogSink sink;
  LogLevel level = LogLevel::kInfo;
};

LogState& State() {
  static LogState state;
  return state;
}

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarning: return "WARNING";
    case LogLevel::kError: return "ERROR";
  }
  return "INFO";
}

std::string FormatLogLine(LogLevel level, std::string_view message) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  // The prefix SageMaker's built-in containers print: [YYYY-MM-DD:HH:MM:SS:LEVEL].
  return fmt::format("[{:04}-{:02}-{:02}:{:02}:{:02}:{:02}:{}] {}", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     LogLevelName(level), message);
}

void SetLogSink(LogSink sink) {
  std::lock_guard lock(State().mutex);
  State().sink = std::move(sink);
}

void SetLogLevel(LogLevel level) {
  std::lock_guard lock(State().mutex);
  State().level = level;
}

LogLevel GetLogLevel() {
  std::lock_guard lock(State().mutex);
  return State().level;
}

void Log(LogLevel level, std::string_view message) {
  LogState& state = State();
  std::lock_guard lock(state.mutex);
  if (level < state.level) return;
  if (state.sink) {
    state.sink(level, message);
    return;
  }
  const std::string line = FormatLogLine(level, message);
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

}  // namespace grove
