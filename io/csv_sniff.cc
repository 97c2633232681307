#include "io/csv_sniff.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include "grove/log.h"
#include "io/csv_number.h"

namespace grove::io::csv {
namespace {

// In csv.Sniffer's order of preference; ' ' stands for whitespace and comes last because text
// cells often hold spaces.
constexpr std::array<char, 5> kCandidates = {',', '\t', ';', '|', ' '};
constexpr std::size_t kSampleLines = 10;

struct Sample {
  const FileText* file = nullptr;
  std::size_t first_line = 0;  // 1-based line number of lines[0]
  std::vector<std::string_view> lines;
};

// The first non-blank lines of the first file that has any.
Sample TakeSample(std::span<const FileText> files) {
  Sample sample;
  for (const FileText& file : files) {
    std::string_view rest = file.text;
    std::size_t line = 1;
    while (!rest.empty() && sample.lines.size() < kSampleLines) {
      const std::size_t newline = rest.find('\n');
      const std::string_view text = rest.substr(0, newline);
      if (!Trim(text, '\0').empty()) {
        if (sample.lines.empty()) sample.first_line = line;
        sample.lines.push_back(text);
      }
      if (newline == std::string_view::npos) break;
      rest.remove_prefix(newline + 1);
      ++line;
    }
    if (!sample.lines.empty()) {
      sample.file = &file;
      break;
    }
  }
  return sample;
}

// Fields of one line for a candidate, ignoring delimiters inside quotes.
std::size_t CountFields(std::string_view line, char delimiter) {
  bool inside = false;
  if (delimiter == ' ') {
    std::size_t tokens = 0;
    bool in_token = false;
    for (const char c : line) {
      if (c == '"') inside = !inside;
      if (!inside && (c == ' ' || c == '\t' || c == '\r')) {
        in_token = false;
      } else if (!in_token) {
        in_token = true;
        ++tokens;
      }
    }
    return tokens;
  }
  std::size_t fields = 1;
  for (const char c : line) {
    if (c == '"') {
      inside = !inside;
    } else if (c == delimiter && !inside) {
      ++fields;
    }
  }
  return fields;
}

char Sniff(const Sample& sample) {
  // Rank: lines agreeing with the first line's field count, then a real delimiter over
  // whitespace, then more fields ("1;2,5;3" is ';' with decimal commas), then preference.
  std::tuple<std::size_t, bool, std::size_t, int> best{0, false, 0, 0};
  char chosen = '\0';
  for (std::size_t k = 0; k < kCandidates.size(); ++k) {
    const char delimiter = kCandidates[k];
    const std::size_t fields = CountFields(sample.lines.front(), delimiter);
    if (fields < 2) continue;
    std::size_t agreeing = 0;
    for (const std::string_view line : sample.lines) {
      if (CountFields(line, delimiter) == fields) ++agreeing;
    }
    const auto rank = std::make_tuple(agreeing, delimiter != ' ', fields, -static_cast<int>(k));
    if (chosen == '\0' || rank > best) {
      best = rank;
      chosen = delimiter;
    }
  }
  return chosen;
}

}  // namespace

Dialect ResolveDialect(std::span<const FileText> files, const ReadOptions& options) {
  if (options.delimiter != '\0') {
    // Quotes and line ends have their own meaning; letters, digits, '.', '+' and '-' can be
    // part of a number (and would make the number fast path disagree with the tokenizer).
    const char c = options.delimiter;
    if (std::strchr("\"\n\r.+-", c) != nullptr || std::isalnum(static_cast<unsigned char>(c))) {
      throw InvalidInput(
          fmt::format("delimiter {:?} cannot separate CSV fields; use ',', '\\t', ';', '|' or ' ' "
                      "(whitespace)",
                      c));
    }
    return Dialect{options.delimiter};
  }
  const Sample sample = TakeSample(files);
  if (sample.lines.empty()) return Dialect{','};  // no data at all: the caller reports it
  const char delimiter = Sniff(sample);
  if (delimiter == '\0') {
    throw InvalidInput(fmt::format(
        "{}:{}: cannot determine the CSV delimiter: the line {} holds none of ',', '\\t', ';', "
        "'|' or whitespace (every line needs the label and at least one feature; for a "
        "single-column file set the delimiter explicitly)",
        sample.file->name, sample.first_line, QuoteForMessage(sample.lines.front())));
  }
  Log(LogLevel::kInfo,
      delimiter == ' '
          ? std::string("Determined delimiter of CSV input is ' ' (runs of spaces "
                        "and tabs)")
          : fmt::format("Determined delimiter of CSV input is {}", DelimiterName(delimiter)));
  return Dialect{delimiter};
}

}  // namespace grove::io::csv
