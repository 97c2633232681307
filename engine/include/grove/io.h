// grove/io.h — reading training data: CSV and libsvm, from files, directories, gzip and FIFOs.
//
//   grove::io::ReadOptions options;                 // format sniffed, header auto-detected
//   options.csv_weights = true;                     // column 1 holds instance weights
//   grove::DataSet train = grove::io::ReadChannel("/opt/ml/input/data/train", options);
//
//   options.schema = &train.schema;                 // same one-hot encoding for new files
//   grove::DataSet test = grove::io::ReadChannel("test.csv", options);
//
// CSV follows SageMaker's built-in XGBoost: label in column 0, optional weight in column 1,
// delimiter sniffed from the first line, empty / NA / NaN / nan / ? cells missing. A header
// row (explicit, or detected when the first row cannot be numeric data) enables string
// columns, which become one-hot features recorded in the Schema. libsvm rows are
// `label[:weight] [qid:n] idx[:val] ...` with 0-based indices unless told otherwise.
// Errors throw InvalidInput / IoError naming file, line, column and what was expected.
// Functions are thread-safe; parsing uses up to `nthread` threads (0 = all).
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "grove/dataset.h"

namespace grove::io {

enum class Format { kAuto, kCsv, kLibsvm };
enum class HeaderMode { kAuto, kPresent, kAbsent };

/// A run of consecutive data-set rows read from one file.
struct RowRun {
  std::size_t file = 0;        ///< index into RowSources::files
  std::size_t first_row = 0;   ///< 0-based data-set row of the run's first row
  std::size_t rows = 0;
  std::size_t first_line = 0;  ///< 1-based line in the file where the run starts
  /// Each row of the run is one line, without blank or comment lines between: row
  /// first_row + k is on line first_line + k. Otherwise only the file and the range are known.
  bool line_per_row = false;
};

/// Where every row of a data set came from: files in reading order, runs in row order.
struct RowSources {
  std::vector<std::string> files;  ///< names as used in messages
  std::vector<RowRun> runs;
  /// "train/part-2.csv:17" for 0-based data-set row `row`; "train/part-2.csv, data row 5 of
  /// the file (lines 12 to 40)" when the line is not known exactly; "" when `row` is in no run.
  std::string Describe(std::size_t row) const;
};

struct ReadOptions {
  Format format = Format::kAuto;
  // --- CSV ---
  bool csv_weights = false;             ///< column 1 is the instance weight (`csv_weights=1`)
  HeaderMode header = HeaderMode::kAuto;
  char delimiter = '\0';                ///< '\0': sniff from the first line
  bool has_label = true;                ///< false: every column is a feature (prediction input)
  const Schema* schema = nullptr;       ///< apply this encoding instead of inferring one
  // --- libsvm ---
  int libsvm_index_base = 0;            ///< 0: index k is feature k (XGBoost); 1: index k is k-1
  // --- both ---
  int nthread = 0;                      ///< parser threads, 0 = all
  /// Out, optional: where the rows came from (see RowSources), for messages about rows that
  /// are found bad after reading, such as a label outside the objective's domain.
  RowSources* sources = nullptr;
};

/// The bytes of one input file (decompressed) and the name used in messages.
struct Buffer {
  std::string name;
  std::string data;
};

/// "csv" / "libsvm" / "auto".
std::string_view FormatName(Format format);
/// Parses "csv", "text/csv", "libsvm", "text/libsvm", "text/x-libsvm" (MIME parameters such as
/// ";label_size=1" are accepted and ignored). Throws InvalidInput for anything else.
Format ParseContentType(std::string_view content_type);
/// Guesses the format from the first non-blank line of a file (libsvm when every token after
/// the first contains ':', CSV otherwise).
Format DetectFormat(std::string_view text);

/// The files of a channel: `path` itself when it is a file or FIFO; for a directory, regular
/// files and FIFOs up to 3 levels deep in sorted order, hidden files (leading '.') skipped with
/// a log line. Throws IoError when `path` does not exist, InvalidInput when it holds no file.
std::vector<std::filesystem::path> ListChannelFiles(const std::filesystem::path& path);
/// Reads a whole file: regular file, FIFO (to EOF) or gzip (by magic bytes), decompressed.
Buffer ReadFile(const std::filesystem::path& path);

/// Parses CSV buffers as one data set (all files share the delimiter and columns).
DataSet ReadCsv(std::span<const Buffer> files, const ReadOptions& options);
/// Parses libsvm buffers as one data set (CSR matrix).
DataSet ReadLibsvm(std::span<const Buffer> files, const ReadOptions& options);
/// Lists, reads and parses a channel (file, directory, .gz or FIFO) in the given or detected
/// format. Throws InvalidInput when the channel holds no rows.
DataSet ReadChannel(const std::filesystem::path& path, const ReadOptions& options);

/// Writes `data` as headerless CSV (label first, then weight when present, then features) with
/// shortest round-trip float text; missing values are empty cells. Atomic: temp file + rename.
void WriteCsv(const DataSet& data, const std::filesystem::path& path);

}  // namespace grove::io
