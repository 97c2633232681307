// grove/log.h — one process-wide log sink.
//
//   grove::Log(grove::LogLevel::kInfo, "Train matrix has 8000 rows and 5 columns");
//   grove::SetLogSink([](grove::LogLevel level, std::string_view line) { ... });
//
// The default sink writes `[YYYY-MM-DD:HH:MM:SS:INFO] message` to stderr, the prefix SageMaker's
// built-in containers use, and flushes each line. Messages below the threshold set with
// SetLogLevel are dropped. Log and SetLogSink are thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace grove {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

/// Receives each message (without prefix or newline) at or above the current level.
using LogSink = std::function<void(LogLevel, std::string_view)>;

/// Replaces the sink; an empty function restores the default (stderr with a timestamp).
void SetLogSink(LogSink sink);
/// Messages below `level` are dropped. Default: kInfo.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();

void Log(LogLevel level, std::string_view message);

/// "DEBUG", "INFO", "WARNING" or "ERROR".
std::string_view LogLevelName(LogLevel level);
/// The default sink's format: `[2026-11-29:21:14:29:INFO] message` (UTC).
std::string FormatLogLine(LogLevel level, std::string_view message);

}  // namespace grove
