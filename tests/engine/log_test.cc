#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

#include "grove/log.h"

using namespace grove;

TEST_CASE("FormatLogLine uses the built-in container's prefix", "[unit]") {
  const std::string line = FormatLogLine(LogLevel::kInfo, "Single node training.");
  CHECK(std::regex_match(line, std::regex(R"(\[\d{4}-\d{2}-\d{2}:\d{2}:\d{2}:\d{2}:INFO\] Single node training\.)")));
  CHECK_THAT(FormatLogLine(LogLevel::kWarning, "x"), Catch::Contains(":WARNING] x"));
}

TEST_CASE("Log sends messages at or above the level to the sink", "[unit]") {
  std::vector<std::string> seen;
  SetLogSink([&](LogLevel level, std::string_view message) {
    seen.push_back(std::string(LogLevelName(level)) + " " + std::string(message));
  });
  SetLogLevel(LogLevel::kWarning);
  Log(LogLevel::kInfo, "dropped");
  Log(LogLevel::kWarning, "kept");
  Log(LogLevel::kError, "also kept");
  SetLogLevel(LogLevel::kInfo);
  SetLogSink({});
  CHECK(seen == std::vector<std::string>{"WARNING kept", "ERROR also kept"});
}
