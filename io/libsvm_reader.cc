// io/libsvm_reader.cc — libsvm text (`label[:weight] [qid:n] idx[:val] ...`) to a CSR matrix.
//
// The input is cut into chunks at line ends; oneTBB parses the chunks in parallel, each into
// its own arrays, and the arrays are concatenated in file order. Every decision (column count,
// the first error, the weight/qid consistency check) is taken over whole chunks in that order,
// so neither the thread count nor the chunk size can change the result or the message.
#include "io/libsvm_reader.h"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grove/errors.h"
#include "io/text_scan.h"

namespace grove::io {
namespace {

// The column count (max index + 1) must fit a model's feature count, a signed 32-bit integer.
constexpr std::uint64_t kMaxIndex = std::numeric_limits<std::int32_t>::max() - 1;

struct Chunk {
  std::size_t file = 0;
  std::size_t begin = 0;  // byte range of the file's data, ending after a '\n' or at its end
  std::size_t end = 0;
  std::size_t first_line = 1;  // 1-based line number of the chunk's first line in its file
};

// What one chunk produced. Line numbers are 1-based within the chunk; 0 means "none".
struct ChunkOut {
  std::vector<std::uint64_t> row_end;  // entries in the chunk after each row
  std::vector<std::uint32_t> col_index;
  std::vector<float> values;
  std::vector<float> labels;
  std::vector<float> weights;
  std::vector<std::uint64_t> qids;
  std::uint64_t num_cols = 0;
  std::size_t num_cols_line = 0;  // where the largest index was first seen
  std::size_t lines = 0;  // '\n' characters in the chunk
  std::size_t first_with_weight = 0;
  std::size_t first_without_weight = 0;
  std::size_t first_with_qid = 0;
  std::size_t first_without_qid = 0;
  std::size_t error_line = 0;
  std::string error;  // without the "file:line: " prefix
};

// `token` for a message: quoted, control bytes escaped, long tokens cut.
std::string Quote(std::string_view token) {
  constexpr std::size_t kMaxShown = 60;
  std::string text = "\"";
  for (std::size_t i = 0; i < token.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(token[i]);
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
      text += fmt::format("\\x{:02x}", c);
    } else {
      text += static_cast<char>(c);
    }
  }
  return text + (token.size() > kMaxShown ? "...\"" : "\"");
}

class LineParser {
 public:
  LineParser(const ReadOptions& options, ChunkOut& out)
      : base_(options.libsvm_index_base), out_(out) {}

  // Parses one line (without its '\n'); false after recording an error in `out_`.
  bool Parse(std::string_view line, std::size_t line_no);

 private:
  bool Fail(std::size_t line_no, std::string message) {
    out_.error_line = line_no;
    out_.error = std::move(message);
    return false;
  }
  bool ParseLabel(std::string_view token, std::size_t line_no);
  bool ParseFeature(std::string_view token, std::size_t line_no, std::uint32_t& index);
  bool FinishRow(std::size_t row_begin, bool sorted, std::size_t line_no);

  int base_;
  ChunkOut& out_;
  std::vector<std::pair<std::uint32_t, float>> scratch_;  // reused when a row needs sorting
};

bool LineParser::ParseLabel(std::string_view token, std::size_t line_no) {
  const std::size_t colon = token.find(':');
  float label = 0;
  if (!scan::ParseFloat(token.substr(0, colon), label)) {
    return Fail(line_no, fmt::format("cannot parse {} as a label (expected a number, or "
                                     "label:weight)",
                                     Quote(token)));
  }
  if (!std::isfinite(label)) {
    return Fail(line_no,
                fmt::format("label {} is {}; every row needs a finite numeric label", Quote(token),
                            std::isnan(label) ? "missing (NaN)" : "infinite"));
  }
  out_.labels.push_back(label);
  if (colon == std::string_view::npos) {
    if (out_.first_without_weight == 0) out_.first_without_weight = line_no;
    return true;
  }
  float weight = 0;
  if (!scan::ParseFloat(token.substr(colon + 1), weight)) {
    return Fail(line_no, fmt::format("cannot parse {} as label:weight (expected two numbers)",
                                     Quote(token)));
  }
  if (!(weight >= 0) || std::isinf(weight)) {
    return Fail(line_no,
                fmt::format("the weight in {} must be a finite number >= 0", Quote(token)));
  }
  out_.weights.push_back(weight);
  if (out_.first_with_weight == 0) out_.first_with_weight = line_no;
  return true;
}

bool LineParser::ParseFeature(std::string_view token, std::size_t line_no, std::uint32_t& index) {
  const std::size_t colon = token.find(':');
  const std::string_view index_text = token.substr(0, colon);
  if (index_text == "qid") {
    return Fail(line_no, fmt::format("{}: qid must come right after the label", Quote(token)));
  }
  std::uint64_t raw = 0;
  if (!scan::ParseUnsigned(index_text, raw)) {
    return Fail(line_no, fmt::format("cannot parse {} as index:value (expected a non-negative "
                                     "integer index)",
                                     Quote(token)));
  }
  float value = 1.0F;  // `idx` alone means value 1
  if (colon != std::string_view::npos && !scan::ParseFloat(token.substr(colon + 1), value)) {
    return Fail(line_no, fmt::format("cannot parse {} as index:value (expected a number within "
                                     "float range after ':')",
                                     Quote(token)));
  }
  if (std::isinf(value)) {
    return Fail(line_no, fmt::format("the value in {} is infinite (write a finite number, or "
                                     "leave the entry out when it is missing)",
                                     Quote(token)));
  }
  if (base_ == 1) {
    if (raw == 0) {
      return Fail(line_no, fmt::format("index 0 in {} is invalid with libsvm_index_base=1 "
                                       "(indices start at 1)",
                                       Quote(token)));
    }
    --raw;
  }
  if (raw > kMaxIndex) {
    return Fail(line_no, fmt::format("the index in {} is too large (at most {}: grove counts "
                                     "features in 32-bit signed integers)",
                                     Quote(token), kMaxIndex + static_cast<std::uint64_t>(base_)));
  }
  index = static_cast<std::uint32_t>(raw);
  out_.col_index.push_back(index);
  out_.values.push_back(value);
  return true;
}

// Sorts the row's entries when needed, rejects duplicate indices and drops NaN (missing) values;
// NaN entries still count towards the column count, as in XGBoost.
bool LineParser::FinishRow(std::size_t row_begin, bool sorted, std::size_t line_no) {
  std::vector<std::uint32_t>& cols = out_.col_index;
  std::vector<float>& values = out_.values;
  const std::size_t row_end = values.size();
  if (!sorted) {
    scratch_.clear();
    for (std::size_t k = row_begin; k < row_end; ++k) scratch_.emplace_back(cols[k], values[k]);
    std::sort(scratch_.begin(), scratch_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t k = 0; k < scratch_.size(); ++k) {
      if (k > 0 && scratch_[k].first == scratch_[k - 1].first) {
        return Fail(line_no, fmt::format("index {} appears more than once in the row",
                                         std::uint64_t{scratch_[k].first} +
                                             static_cast<std::uint64_t>(base_)));
      }
      cols[row_begin + k] = scratch_[k].first;
      values[row_begin + k] = scratch_[k].second;
    }
  }
  std::size_t kept = row_begin;
  for (std::size_t k = row_begin; k < row_end; ++k) {
    if (std::isnan(values[k])) continue;
    cols[kept] = cols[k];
    values[kept] = values[k];
    ++kept;
  }
  cols.resize(kept);
  values.resize(kept);
  out_.row_end.push_back(kept);
  return true;
}

bool LineParser::Parse(std::string_view line, std::size_t line_no) {
  if (const void* hash = std::memchr(line.data(), '#', line.size())) {
    line = line.substr(0, static_cast<std::size_t>(static_cast<const char*>(hash) - line.data()));
  }
  std::size_t pos = 0;
  std::string_view token = scan::NextToken(line, pos);
  if (token.empty()) return true;  // blank or comment line
  if (!ParseLabel(token, line_no)) return false;
  token = scan::NextToken(line, pos);
  if (token.starts_with("qid:")) {
    std::uint64_t qid = 0;
    if (!scan::ParseUnsigned(token.substr(4), qid)) {
      return Fail(line_no,
                  fmt::format("cannot parse {} as qid:<non-negative integer>", Quote(token)));
    }
    out_.qids.push_back(qid);
    if (out_.first_with_qid == 0) out_.first_with_qid = line_no;
    token = scan::NextToken(line, pos);
  } else if (out_.first_without_qid == 0) {
    out_.first_without_qid = line_no;
  }
  const std::size_t row_begin = out_.values.size();
  bool sorted = true;
  std::int64_t previous = -1;
  for (; !token.empty(); token = scan::NextToken(line, pos)) {
    std::uint32_t index = 0;
    if (!ParseFeature(token, line_no, index)) return false;
    sorted = sorted && static_cast<std::int64_t>(index) > previous;
    previous = index;
    if (std::uint64_t{index} + 1 > out_.num_cols) {
      out_.num_cols = std::uint64_t{index} + 1;
      out_.num_cols_line = line_no;
    }
  }
  return FinishRow(row_begin, sorted, line_no);
}

void ParseChunk(std::string_view text, const ReadOptions& options, ChunkOut& out) {
  LineParser parser(options, out);
  std::size_t line_no = 1;
  while (!text.empty()) {
    const void* newline = std::memchr(text.data(), '\n', text.size());
    const std::size_t length =
        newline == nullptr
            ? text.size()
            : static_cast<std::size_t>(static_cast<const char*>(newline) - text.data());
    if (!parser.Parse(text.substr(0, length), line_no)) return;
    if (newline == nullptr) break;
    ++out.lines;
    ++line_no;
    text.remove_prefix(length + 1);
  }
}

std::vector<Chunk> SplitChunks(std::span<const Buffer> files, std::size_t chunk_bytes) {
  std::vector<Chunk> chunks;
  for (std::size_t f = 0; f < files.size(); ++f) {
    const std::string_view data = files[f].data;
    std::size_t begin = data.size() - scan::StripBom(data).size();
    while (begin < data.size()) {
      std::size_t end = std::min(data.size(), begin + chunk_bytes);
      if (end < data.size()) {
        const std::size_t newline = data.find('\n', end - 1);
        end = newline == std::string_view::npos ? data.size() : newline + 1;
      }
      chunks.push_back(Chunk{f, begin, end, 1});
      begin = end;
    }
  }
  return chunks;
}

std::string Where(std::span<const Buffer> files, const Chunk& chunk, std::size_t local_line) {
  return fmt::format("{}:{}", files[chunk.file].name, chunk.first_line + local_line - 1);
}

// Throws the first parse error in file order, then enforces "all rows or none" for label:weight
// and qid: a partial column cannot be lined up with the rows.
void CheckChunks(std::span<const Buffer> files, const std::vector<Chunk>& chunks,
                 const std::vector<ChunkOut>& outs) {
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    if (outs[c].error_line != 0) {
      throw InvalidInput(
          fmt::format("{}: {}", Where(files, chunks[c], outs[c].error_line), outs[c].error));
    }
  }
  const auto check_all_or_none = [&](std::size_t ChunkOut::*with, std::size_t ChunkOut::*without,
                                     std::string_view what, std::string_view form) {
    std::size_t first_with = chunks.size();
    std::size_t first_without = chunks.size();
    for (std::size_t c = chunks.size(); c-- > 0;) {
      if (outs[c].*with != 0) first_with = c;
      if (outs[c].*without != 0) first_without = c;
    }
    if (first_with == chunks.size() || first_without == chunks.size()) return;
    throw InvalidInput(fmt::format(
        "{}: this row has no {} ({}), but the row at {} has one; give every row a {} or none",
        Where(files, chunks[first_without], outs[first_without].*without), what, form,
        Where(files, chunks[first_with], outs[first_with].*with), what));
  };
  check_all_or_none(&ChunkOut::first_with_weight, &ChunkOut::first_without_weight, "weight",
                    "label:weight");
  check_all_or_none(&ChunkOut::first_with_qid, &ChunkOut::first_without_qid, "qid",
                    "qid:n after the label");
}

// A chunk's rows are one per line when its row count equals the lines it spans (comment and
// blank lines give no row).
void RecordSources(std::span<const Buffer> files, const std::vector<Chunk>& chunks,
                   const std::vector<ChunkOut>& outs, RowSources& sources) {
  sources.files.clear();
  sources.runs.clear();
  for (const Buffer& file : files) sources.files.push_back(file.name);
  std::size_t row = 0;
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    const std::size_t rows = outs[c].labels.size();
    if (rows == 0) continue;
    const Chunk& chunk = chunks[c];
    const std::string_view text = files[chunk.file].data;
    const bool open_end = chunk.end > chunk.begin && text[chunk.end - 1] != '\n';
    sources.runs.push_back(RowRun{chunk.file, row, rows, chunk.first_line,
                                  rows == outs[c].lines + (open_end ? 1 : 0)});
    row += rows;
  }
}

// Every column gets a schema entry (then cut points and histogram bins in training), so a
// typo'd index or a hashed feature id can ask for far more memory than the data itself. Refuse
// a column count whose schema alone would not fit in this machine's memory, at the line that
// asked for it, before allocating anything.
void CheckColumnCount(std::span<const Buffer> files, const std::vector<Chunk>& chunks,
                      const std::vector<ChunkOut>& outs, int index_base) {
  std::size_t widest = 0;
  for (std::size_t c = 1; c < outs.size(); ++c) {
    if (outs[c].num_cols > outs[widest].num_cols) widest = c;
  }
  if (outs.empty() || outs[widest].num_cols == 0) return;
  const std::uint64_t cols = outs[widest].num_cols;
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return;
  const double memory = static_cast<double>(pages) * static_cast<double>(page_size);
  const double needed = static_cast<double>(cols) * static_cast<double>(sizeof(ColumnSpec));
  if (needed <= memory) return;
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  throw InvalidInput(fmt::format(
      "{}: index {} makes {} feature columns, whose schema alone needs {:.1f} GiB, more than "
      "this machine's {:.1f} GiB of memory; libsvm indices are column numbers, so map sparse "
      "or hashed feature ids to consecutive numbers first",
      Where(files, chunks[widest], outs[widest].num_cols_line),
      cols - 1 + static_cast<std::uint64_t>(index_base), cols, needed / kGiB,
      memory / kGiB));
}

DataSet Concatenate(const std::vector<ChunkOut>& outs) {
  std::vector<std::size_t> row_offset(outs.size() + 1, 0);
  std::vector<std::uint64_t> entry_offset(outs.size() + 1, 0);
  std::uint64_t num_cols = 0;
  bool has_weights = false;
  bool has_qids = false;
  for (std::size_t c = 0; c < outs.size(); ++c) {
    row_offset[c + 1] = row_offset[c] + outs[c].labels.size();
    entry_offset[c + 1] = entry_offset[c] + outs[c].values.size();
    num_cols = std::max(num_cols, outs[c].num_cols);
    has_weights = has_weights || !outs[c].weights.empty();
    has_qids = has_qids || !outs[c].qids.empty();
  }
  const std::size_t rows = row_offset.back();
  DataSet data;
  CsrMatrix matrix;
  matrix.rows = rows;
  matrix.cols = num_cols;
  matrix.row_ptr.assign(rows + 1, 0);
  matrix.col_index.resize(entry_offset.back());
  matrix.values.resize(entry_offset.back());
  data.labels.resize(rows);
  if (has_weights) data.weights.resize(rows);
  if (has_qids) data.qids.resize(rows);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, outs.size(), 1), [&](const auto& range) {
    for (std::size_t c = range.begin(); c < range.end(); ++c) {
      const ChunkOut& out = outs[c];
      const std::size_t r0 = row_offset[c];
      for (std::size_t i = 0; i < out.row_end.size(); ++i) {
        matrix.row_ptr[r0 + i + 1] = entry_offset[c] + out.row_end[i];
      }
      std::copy(out.col_index.begin(), out.col_index.end(),
                matrix.col_index.begin() + static_cast<std::ptrdiff_t>(entry_offset[c]));
      std::copy(out.values.begin(), out.values.end(),
                matrix.values.begin() + static_cast<std::ptrdiff_t>(entry_offset[c]));
      const auto at = static_cast<std::ptrdiff_t>(r0);
      std::copy(out.labels.begin(), out.labels.end(), data.labels.begin() + at);
      if (has_weights) std::copy(out.weights.begin(), out.weights.end(), data.weights.begin() + at);
      if (has_qids) std::copy(out.qids.begin(), out.qids.end(), data.qids.begin() + at);
    }
  });
  data.features = std::move(matrix);
  data.schema = Schema::Numeric(num_cols);
  return data;
}

}  // namespace

namespace detail {

DataSet ReadLibsvmChunked(std::span<const Buffer> files, const ReadOptions& options,
                          std::size_t chunk_bytes) {
  if (options.libsvm_index_base != 0 && options.libsvm_index_base != 1) {
    throw InvalidInput(
        fmt::format("libsvm_index_base must be 0 or 1, found {}", options.libsvm_index_base));
  }
  if (options.nthread < 0) {
    throw InvalidInput(
        fmt::format("nthread must be >= 0 (0 = all cores), found {}", options.nthread));
  }
  std::vector<Chunk> chunks = SplitChunks(files, std::max<std::size_t>(chunk_bytes, 1));
  std::vector<ChunkOut> outs(chunks.size());
  tbb::task_arena arena(options.nthread > 0 ? options.nthread : tbb::task_arena::automatic);
  DataSet data;
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks.size(), 1), [&](const auto& range) {
      for (std::size_t c = range.begin(); c < range.end(); ++c) {
        const Chunk& chunk = chunks[c];
        const std::string_view text =
            std::string_view(files[chunk.file].data).substr(chunk.begin, chunk.end - chunk.begin);
        ParseChunk(text, options, outs[c]);
      }
    });
    for (std::size_t c = 1; c < chunks.size(); ++c) {
      if (chunks[c].file == chunks[c - 1].file) {
        chunks[c].first_line = chunks[c - 1].first_line + outs[c - 1].lines;
      }
    }
    CheckChunks(files, chunks, outs);
    CheckColumnCount(files, chunks, outs, options.libsvm_index_base);
    if (options.sources != nullptr) RecordSources(files, chunks, outs, *options.sources);
    data = Concatenate(outs);
  });
  return data;
}

}  // namespace detail

DataSet ReadLibsvm(std::span<const Buffer> files, const ReadOptions& options) {
  return detail::ReadLibsvmChunked(files, options, detail::kLibsvmChunkBytes);
}

}  // namespace grove::io
