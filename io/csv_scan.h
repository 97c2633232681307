// io/csv_scan.h — splitting CSV text into records and fields (RFC 4180 quoting), and into
// chunks that can be parsed in parallel.
//
//   csv::RecordReader reader(file, begin, end, first_line, dialect);
//   csv::Field field;
//   while (reader.NextRecord()) {
//     while (reader.NextField(&field)) { ... field.text ... }
//   }
//
// Quoting: a field whose first non-blank character is '"' is quoted; it ends at the next single
// '"' and may hold delimiters, line breaks and doubled quotes (""). Only blanks may follow the
// closing quote. A quote inside an unquoted field is an error, which keeps the parallel chunk
// split (based on quote parity) consistent with the tokenizer.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "grove/errors.h"
#include "grove/io.h"

namespace grove::io::csv {

/// The field separator. ' ' stands for "whitespace": runs of spaces and tabs.
struct Dialect {
  char delimiter = ',';
  bool IsWhitespace() const { return delimiter == ' '; }
};

/// One input file as the scanner sees it: the text after a UTF-8 BOM.
struct FileText {
  std::string_view name;
  std::string_view text;
  bool has_quotes = false;  ///< the text holds a '"': use the quote-aware paths
};

/// Strips BOMs and notes which files hold quotes.
std::vector<FileText> PrepareFiles(std::span<const Buffer> files);

/// A bad cell or broken quoting. Parallel chunks catch it and report their first one; the
/// reader then throws the earliest chunk's, so the message does not depend on the thread count.
class ParseFailure : public InvalidInput {
 public:
  using InvalidInput::InvalidInput;
};

struct Field {
  std::string_view text;  ///< without padding; inside the quotes when quoted
  bool quoted = false;
  bool escaped = false;    ///< quoted and holds doubled quotes: see Unescape
  std::size_t line = 0;    ///< 1-based line where the field starts
  std::size_t column = 0;  ///< 1-based field number within the record
};

/// The field's value: `field.text` with doubled quotes undone (into `scratch` when needed).
std::string_view Unescape(const Field& field, std::string* scratch);

class RecordReader {
 public:
  /// Reads the records of `file.text[begin, end)`; `begin` must start a line, `first_line` is
  /// its 1-based line number.
  RecordReader(const FileText& file, std::size_t begin, std::size_t end, std::size_t first_line,
               const Dialect& dialect);

  /// Moves to the next non-blank record (skipping what is left of the current one).
  bool NextRecord();
  /// The next field of the current record; false after its last one. Throws ParseFailure on
  /// broken quoting.
  bool NextField(Field* field);

  std::size_t record_line() const { return record_line_; }
  /// Offset just past what has been read, and the line it is on.
  std::size_t position() const { return pos_; }
  std::size_t line() const { return line_; }

 private:
  void ReadQuoted(Field* field);
  void ReadUnquoted(Field* field);
  void EndField();
  [[noreturn]] void Fail(const Field& field, std::string_view what) const;

  const FileText& file_;
  const char* text_;
  std::size_t pos_;
  std::size_t end_;
  std::size_t line_;
  Dialect dialect_;
  bool in_record_ = false;
  bool record_ended_ = false;
  std::size_t record_line_ = 0;
  std::size_t column_ = 0;
};

/// A piece of one file that starts and ends at record boundaries.
struct Chunk {
  std::size_t file = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t first_line = 0;  ///< 1-based line number at `begin`
  std::size_t first_row = 0;   ///< data-set row of the chunk's first record
  std::size_t num_rows = 0;    ///< non-blank records
  std::size_t num_lines = 0;   ///< line breaks
};

/// Cuts `text[begin, end)` of file `file_index` into chunks of about `chunk_bytes`, at record
/// ends (quote-aware when the file holds quotes). Appends to `chunks`; counts stay zero.
void SplitIntoChunks(const FileText& file, std::size_t file_index, std::size_t begin,
                     std::size_t end, std::size_t chunk_bytes, std::vector<Chunk>* chunks);

/// Fills `num_rows` and `num_lines` of a chunk (run in parallel over chunks).
void CountChunk(const FileText& file, const Dialect& dialect, Chunk* chunk);

/// "','", "'\t'", "';'", "'|'" or "whitespace".
std::string DelimiterName(char delimiter);

}  // namespace grove::io::csv
