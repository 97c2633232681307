#include "io/csv_scan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "io/csv_number.h"

namespace grove::io::csv {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool IsBlank(const char* first, const char* last, char delimiter) {
  while (first < last && IsPadding(*first, delimiter)) ++first;
  return first == last;
}

const char* FindNewline(const char* first, const char* last) {
  return static_cast<const char*>(std::memchr(first, '\n', static_cast<std::size_t>(last - first)));
}

}  // namespace

std::vector<FileText> PrepareFiles(std::span<const Buffer> files) {
  std::vector<FileText> prepared;
  prepared.reserve(files.size());
  for (const Buffer& buffer : files) {
    std::string_view text = buffer.data;
    if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
    prepared.push_back(FileText{buffer.name, text, text.find('"') != std::string_view::npos});
  }
  return prepared;
}

std::string_view Unescape(const Field& field, std::string* scratch) {
  if (!field.escaped) return field.text;
  scratch->clear();
  for (std::size_t i = 0; i < field.text.size(); ++i) {
    scratch->push_back(field.text[i]);
    if (field.text[i] == '"') ++i;  // a doubled quote stands for one
  }
  return *scratch;
}

RecordReader::RecordReader(const FileText& file, std::size_t begin, std::size_t end,
                           std::size_t first_line, const Dialect& dialect)
    : file_(file),
      text_(file.text.data()),
      pos_(begin),
      end_(end),
      line_(first_line),
      dialect_(dialect) {}

bool RecordReader::NextRecord() {
  if (in_record_) {
    Field rest;
    while (NextField(&rest)) {
    }
  }
  const char delimiter = dialect_.delimiter;
  while (pos_ < end_) {
    std::size_t p = pos_;
    while (p < end_ && IsPadding(text_[p], delimiter)) ++p;
    if (p == end_) break;
    if (text_[p] == '\n') {  // blank line
      ++line_;
      pos_ = p + 1;
      continue;
    }
    pos_ = p;
    in_record_ = true;
    record_ended_ = false;
    record_line_ = line_;
    column_ = 0;
    return true;
  }
  pos_ = end_;
  return false;
}

bool RecordReader::NextField(Field* field) {
  if (!in_record_) return false;
  if (record_ended_) {
    in_record_ = false;
    return false;
  }
  if (!dialect_.IsWhitespace()) {
    while (pos_ < end_ && IsPadding(text_[pos_], dialect_.delimiter)) ++pos_;
  }
  field->column = ++column_;
  field->line = line_;
  if (file_.has_quotes && pos_ < end_ && text_[pos_] == '"') {
    ReadQuoted(field);
  } else {
    ReadUnquoted(field);
  }
  EndField();
  return true;
}

void RecordReader::ReadUnquoted(Field* field) {
  const char* const start = text_ + pos_;
  const char* const last = text_ + end_;
  const char* p = start;
  const char delimiter = dialect_.delimiter;
  if (dialect_.IsWhitespace()) {
    while (p < last && *p != ' ' && *p != '\t' && *p != '\n' && *p != '"') ++p;
  } else if (file_.has_quotes) {
    while (p < last && *p != delimiter && *p != '\n' && *p != '"') ++p;
  } else {
    while (p < last && *p != delimiter && *p != '\n') ++p;
  }
  if (p < last && *p == '"') {
    Fail(*field,
         "a quote character inside an unquoted field (enclose the whole field in quotes and "
         "double the quotes inside it, e.g. \"5'11\"\"\")");
  }
  const char* stop = p;
  while (stop > start && IsPadding(stop[-1], delimiter)) --stop;
  field->text = std::string_view(start, static_cast<std::size_t>(stop - start));
  field->quoted = false;
  field->escaped = false;
  pos_ = static_cast<std::size_t>(p - text_);
}

void RecordReader::ReadQuoted(Field* field) {
  const char* const last = text_ + end_;
  const char* const content = text_ + pos_ + 1;
  const char* p = content;
  field->quoted = true;
  field->escaped = false;
  for (;;) {
    const char* quote =
        static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(last - p)));
    if (quote == nullptr) {
      Fail(*field,
           "unterminated quoted field: the '\"' opened here is never closed (a quoted field "
           "ends with a single '\"'; write a literal quote as \"\")");
    }
    line_ += static_cast<std::size_t>(std::count(p, quote, '\n'));
    if (quote + 1 < last && quote[1] == '"') {
      field->escaped = true;
      p = quote + 2;
      continue;
    }
    field->text = Trim(std::string_view(content, static_cast<std::size_t>(quote - content)),
                       dialect_.delimiter);
    pos_ = static_cast<std::size_t>(quote + 1 - text_);
    break;
  }
  const auto is_end = [&](char c) {
    return c == '\n' || c == dialect_.delimiter || (dialect_.IsWhitespace() && c == '\t');
  };
  if (!dialect_.IsWhitespace()) {
    while (pos_ < end_ && IsPadding(text_[pos_], dialect_.delimiter)) ++pos_;
  } else if (pos_ < end_ && text_[pos_] == '\r') {
    ++pos_;
  }
  if (pos_ < end_ && !is_end(text_[pos_])) {
    Field after = *field;
    after.line = line_;
    Fail(after,
         fmt::format("unexpected text {} after the closing quote (only the delimiter {} or the "
                     "line end may follow it)",
                     QuoteForMessage(
                         std::string_view(text_ + pos_, std::min<std::size_t>(end_ - pos_, 10))),
                     DelimiterName(dialect_.delimiter)));
  }
}

void RecordReader::EndField() {
  if (pos_ >= end_) {
    record_ended_ = true;
    return;
  }
  if (text_[pos_] == '\n') {
    ++line_;
    ++pos_;
    record_ended_ = true;
    return;
  }
  ++pos_;  // the delimiter
  if (dialect_.IsWhitespace()) {
    // A run of blanks is one delimiter; blanks before the line end are no field.
    while (pos_ < end_ && IsPadding(text_[pos_], dialect_.delimiter)) ++pos_;
    if (pos_ >= end_) {
      record_ended_ = true;
    } else if (text_[pos_] == '\n') {
      ++line_;
      ++pos_;
      record_ended_ = true;
    }
  }
}

void RecordReader::Fail(const Field& field, std::string_view what) const {
  throw ParseFailure(
      fmt::format("{}:{}, column {}: {}", file_.name, field.line, field.column, what));
}

void SplitIntoChunks(const FileText& file, std::size_t file_index, std::size_t begin,
                     std::size_t end, std::size_t chunk_bytes, std::vector<Chunk>* chunks) {
  const char* const text = file.text.data();
  std::size_t start = begin;
  while (start < end) {
    const std::size_t target = start + chunk_bytes;
    std::size_t stop = end;
    if (target < end && !file.has_quotes) {
      const char* newline = FindNewline(text + target, text + end);
      if (newline != nullptr) stop = static_cast<std::size_t>(newline - text) + 1;
    } else if (target < end) {
      // `start` is outside quotes; a line break splits records only outside quotes, i.e. after
      // an even number of quote characters (doubled quotes count twice).
      bool inside = (std::count(text + start, text + target, '"') % 2) != 0;
      for (std::size_t i = target; i < end; ++i) {
        if (text[i] == '"') {
          inside = !inside;
        } else if (text[i] == '\n' && !inside) {
          stop = i + 1;
          break;
        }
      }
    }
    Chunk chunk;
    chunk.file = file_index;
    chunk.begin = start;
    chunk.end = stop;
    chunks->push_back(chunk);
    start = stop;
  }
}

void CountChunk(const FileText& file, const Dialect& dialect, Chunk* chunk) {
  const char* p = file.text.data() + chunk->begin;
  const char* const last = file.text.data() + chunk->end;
  std::size_t rows = 0;
  std::size_t lines = 0;
  bool inside_quotes = false;
  bool in_record = false;
  while (p < last) {
    const char* newline = FindNewline(p, last);
    const char* line_end = newline != nullptr ? newline : last;
    if (!in_record) {
      if (!IsBlank(p, line_end, dialect.delimiter)) in_record = true;
    }
    if (in_record && file.has_quotes && (std::count(p, line_end, '"') % 2) != 0) {
      inside_quotes = !inside_quotes;
    }
    if (in_record && !inside_quotes) {
      ++rows;
      in_record = false;
    }
    if (newline == nullptr) break;
    ++lines;
    p = newline + 1;
  }
  if (in_record) ++rows;  // an unterminated quote: the reader reports it
  chunk->num_rows = rows;
  chunk->num_lines = lines;
}

std::string DelimiterName(char delimiter) {
  switch (delimiter) {
    case '\t':
      return "'\\t'";
    case ' ':
      return "whitespace";
    default:
      return fmt::format("'{}'", delimiter);
  }
}

}  // namespace grove::io::csv
