// io/channel.cc — content types, format detection, and reading a whole channel as one data set.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "grove/errors.h"
#include "grove/io.h"
#include "grove/log.h"
#include "io/text_scan.h"

namespace grove::io {
namespace {

constexpr std::string_view kAcceptedTypes = "csv, text/csv, libsvm, text/libsvm, text/x-libsvm";

std::string_view TrimSpaces(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string lowered(text);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lowered;
}

void CheckParameter(std::string_view content_type, std::string_view parameter) {
  const std::size_t eq = parameter.find('=');
  if (eq == std::string_view::npos) {
    throw InvalidInput(
        fmt::format("content type \"{}\": parameter \"{}\" is not of the form key=value",
                    content_type, parameter));
  }
  const std::string key = Lower(TrimSpaces(parameter.substr(0, eq)));
  const std::string_view value = TrimSpaces(parameter.substr(eq + 1));
  if (key == "label_size" && value != "1") {
    throw InvalidInput(fmt::format(
        "content type \"{}\": label_size must be 1 (grove reads one label column), found \"{}\"",
        content_type, value));
  }
}

// What one line says about the format.
enum class LineVerdict { kNothing, kLoneNumber, kCsv, kLibsvm };

bool IsNumber(std::string_view token) {
  float ignored = 0;
  return scan::ParseFloat(token, ignored);
}

// A libsvm label: a number, or number:number (label:weight).
bool IsLibsvmLabel(std::string_view token) {
  const std::size_t colon = token.find(':');
  if (colon == std::string_view::npos) return IsNumber(token);
  return IsNumber(token.substr(0, colon)) && IsNumber(token.substr(colon + 1));
}

LineVerdict JudgeLine(std::string_view line) {
  line = line.substr(0, line.find('#'));  // libsvm comment; a CSV line rarely holds '#'
  std::size_t pos = 0;
  const std::string_view first = scan::NextToken(line, pos);
  if (first.empty()) return LineVerdict::kNothing;
  if (!IsLibsvmLabel(first)) return LineVerdict::kCsv;
  std::string_view token = scan::NextToken(line, pos);
  if (token.empty()) {
    // "1" alone is a libsvm row without features, or a one-column CSV file: look further.
    return first.find(':') == std::string_view::npos ? LineVerdict::kLoneNumber
                                                     : LineVerdict::kLibsvm;
  }
  for (; !token.empty(); token = scan::NextToken(line, pos)) {
    if (token.find(':') == std::string_view::npos) return LineVerdict::kCsv;
  }
  return LineVerdict::kLibsvm;
}

// The verdict of the first line that decides (kCsv / kLibsvm); kLoneNumber when only lone
// numbers were seen; kNothing for blank text.
LineVerdict JudgeText(std::string_view text) {
  text = scan::StripBom(text);
  LineVerdict seen = LineVerdict::kNothing;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    const LineVerdict verdict = JudgeLine(text.substr(0, end));
    if (verdict == LineVerdict::kCsv || verdict == LineVerdict::kLibsvm) return verdict;
    if (verdict == LineVerdict::kLoneNumber) seen = verdict;
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return seen;
}

Format ToFormat(LineVerdict verdict) {
  // Lone numbers only: libsvm rows without features (every token after the first has ':').
  return verdict == LineVerdict::kCsv || verdict == LineVerdict::kNothing ? Format::kCsv
                                                                          : Format::kLibsvm;
}

}  // namespace

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kAuto:
      return "auto";
    case Format::kCsv:
      return "csv";
    case Format::kLibsvm:
      return "libsvm";
  }
  return "auto";
}

Format ParseContentType(std::string_view content_type) {
  const std::size_t semicolon = content_type.find(';');
  const std::string type = Lower(TrimSpaces(content_type.substr(0, semicolon)));
  if (semicolon != std::string_view::npos) {
    std::string_view rest = content_type.substr(semicolon + 1);
    while (true) {
      const std::size_t next = rest.find(';');
      const std::string_view parameter = TrimSpaces(rest.substr(0, next));
      if (!parameter.empty()) CheckParameter(content_type, parameter);
      if (next == std::string_view::npos) break;
      rest.remove_prefix(next + 1);
    }
  }
  if (type == "csv" || type == "text/csv") return Format::kCsv;
  if (type == "libsvm" || type == "text/libsvm" || type == "text/x-libsvm") return Format::kLibsvm;
  if (type == "parquet" || type == "application/x-parquet" || type == "recordio-protobuf" ||
      type == "application/x-recordio-protobuf") {
    throw InvalidInput(fmt::format(
        "content type \"{}\" is not supported by grove yet; convert the data to CSV or libsvm "
        "(accepted content types: {})",
        content_type, kAcceptedTypes));
  }
  throw InvalidInput(fmt::format("unknown content type \"{}\"; accepted content types: {}",
                                 content_type, kAcceptedTypes));
}

Format DetectFormat(std::string_view text) {
  return ToFormat(JudgeText(text));
}

DataSet ReadChannel(const std::filesystem::path& path, const ReadOptions& options) {
  const std::vector<std::filesystem::path> files = ListChannelFiles(path);
  std::vector<Buffer> buffers;
  buffers.reserve(files.size());
  std::uint64_t bytes = 0;
  for (const auto& file : files) {
    buffers.push_back(ReadFile(file));
    bytes += buffers.back().data.size();
  }

  ReadOptions resolved = options;
  std::string how;
  if (options.format == Format::kAuto) {
    // The first file whose lines decide; an empty first file says nothing.
    LineVerdict verdict = LineVerdict::kNothing;
    std::string_view from = buffers.front().name;
    for (const Buffer& buffer : buffers) {
      const LineVerdict v = JudgeText(buffer.data);
      if (v == LineVerdict::kNothing) continue;
      if (verdict == LineVerdict::kNothing) from = buffer.name;
      if (v != LineVerdict::kLoneNumber) {
        from = buffer.name;
        verdict = v;
        break;
      }
      verdict = v;
    }
    resolved.format = ToFormat(verdict);
    how = from == path.string() ? std::string(" (detected)")
                                : fmt::format(" (detected from the first data line of {})", from);
  }
  Log(LogLevel::kInfo, fmt::format("Reading {} file(s) from {} as {}{}", files.size(),
                                   path.string(), FormatName(resolved.format), how));

  DataSet data =
      resolved.format == Format::kCsv ? ReadCsv(buffers, resolved) : ReadLibsvm(buffers, resolved);
  if (data.NumRows() == 0) {
    throw InvalidInput(
        fmt::format("No data in channel path {}: its {} file(s) ({} bytes) hold no "
                    "rows",
                    path.string(), files.size(), bytes));
  }
  return data;
}

}  // namespace grove::io
