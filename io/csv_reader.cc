// ReadCsv: the sequential prologue (delimiter, first records, header, schema checks), the
// parallel chunk split and count, and one to three parallel fill passes:
//   no header or a given schema: one pass, strict;
//   header, inferring: one pass noting text cells; if some column has text, a pass collecting
//   its categories and a final pass with the one-hot layout.
#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <new>
#include <set>
#include <utility>

#include "grove/errors.h"
#include "grove/io.h"
#include "grove/log.h"
#include "io/csv_fill.h"
#include "io/csv_scan.h"
#include "io/csv_schema.h"
#include "io/csv_sniff.h"

namespace grove::io {
namespace {

using csv::Chunk;
using csv::ChunkReport;
using csv::FileText;
using csv::FirstRecord;

// Small enough that a few MB already spread over every core, large enough that per-chunk
// overhead (a task, a report) is noise. The result does not depend on it.
constexpr std::size_t kChunkBytes = std::size_t{1} << 19;

// "a.csv, b.csv" (the first five names) for messages.
std::string FileList(std::span<const FileText> files) {
  std::string list;
  for (std::size_t i = 0; i < files.size() && i < 5; ++i) {
    list += (i > 0 ? ", " : "") + std::string(files[i].name);
  }
  if (files.size() > 5) list += fmt::format(" and {} more", files.size() - 5);
  return list;
}

class CsvJob {
 public:
  CsvJob(std::span<const Buffer> buffers, const ReadOptions& options)
      : options_(options),
        arena_(options.nthread > 0 ? options.nthread : tbb::task_arena::automatic),
        files_(csv::PrepareFiles(buffers)),
        has_label_(options.has_label),
        has_weight_(options.has_label && options.csv_weights) {}

  DataSet Run() {
    dialect_ = csv::ResolveDialect(files_, options_);
    ReadFirstRecords();
    DecideColumns();
    PlanChunks();
    if (options_.sources != nullptr) RecordSources(*options_.sources);
    if (options_.schema != nullptr || !header_) return FillOnce();
    return FillInferring();
  }

 private:
  const FirstRecord& first() const { return firsts_[first_file_]; }
  std::size_t FeatureColumnOffset() const { return (has_label_ ? 1 : 0) + (has_weight_ ? 1 : 0); }

  void ReadFirstRecords() {
    firsts_.reserve(files_.size());
    for (const FileText& file : files_) firsts_.push_back(csv::ReadFirstRecord(file, dialect_));
    first_file_ = 0;
    while (first_file_ < files_.size() && !firsts_[first_file_].found) ++first_file_;
    if (first_file_ == files_.size()) ThrowNoRows();
  }

  [[noreturn]] void ThrowNoRows() const {
    std::string why;
    if (header_ && options_.header == HeaderMode::kAuto && first_file_ < files_.size()) {
      // A one-line file whose only row has a typo would otherwise vanish without a trace.
      const FirstRecord& header = first();
      std::size_t i = 0;
      while (i < header.kinds.size() && header.kinds[i] != csv::CellKind::kText) ++i;
      if (i < header.kinds.size()) {
        why = fmt::format("; {}:{} was taken as a header row because of the text cell {}",
                          files_[first_file_].name, header.line,
                          csv::QuoteForMessage(header.cells[i]));
      }
    }
    throw InvalidInput(
        fmt::format("no data rows in {} (the files are empty, blank, or hold only a header row{})",
                    FileList(files_), why));
  }

  // Header or not, the schema (given or initial), and the column names used in messages.
  void DecideColumns() {
    const FileText& file = files_[first_file_];
    if (options_.schema != nullptr) {
      schema_ = *options_.schema;
      const std::vector<std::string> names = csv::ExpectedNames(schema_, has_label_, has_weight_);
      const csv::Layout probe = csv::MakeLayout(schema_, has_label_, has_weight_, {});
      header_ =
          csv::IsHeader(first(), options_.header, &probe, schema_.has_header ? &names : nullptr);
      csv::CheckAgainstSchema(file, first(), header_, schema_, has_label_, has_weight_);
      if (schema_.has_header) names_ = names;
    } else {
      header_ = csv::IsHeader(first(), options_.header, nullptr, nullptr);
      const std::size_t needed = FeatureColumnOffset() + 1;
      if (first().cells.size() < needed) {
        throw InvalidInput(fmt::format(
            "{}:{}: found {} column{}, expected at least {} ({}at least one feature column)",
            file.name, first().line, first().cells.size(), first().cells.size() == 1 ? "" : "s",
            needed, has_weight_ ? "label, weight and " : (has_label_ ? "label and " : "")));
      }
      schema_ = csv::InitialSchema(first().cells.size(), has_label_, has_weight_,
                                   header_ ? &first().cells : nullptr);
    }
    if (!header_) return;
    if (names_.empty()) names_ = first().cells;
    for (std::size_t f = first_file_ + 1; f < files_.size(); ++f) {
      csv::CheckSameHeader(files_[f], firsts_[f], file, first());
    }
    Log(LogLevel::kInfo, fmt::format("CSV header row found in {}:{} ({} columns)", file.name,
                                     first().line, first().cells.size()));
  }

  void PlanChunks() {
    std::vector<std::size_t> first_lines;
    for (std::size_t f = 0; f < files_.size(); ++f) {
      if (!firsts_[f].found) continue;  // blank file: no rows
      const std::size_t begin = header_ ? firsts_[f].end : 0;
      const std::size_t chunks_before = chunks_.size();
      csv::SplitIntoChunks(files_[f], f, begin, files_[f].text.size(), kChunkBytes, &chunks_);
      if (chunks_.size() > chunks_before) first_lines.push_back(header_ ? firsts_[f].end_line : 1);
    }
    ParallelFor(
        [&](std::size_t i) { csv::CountChunk(files_[chunks_[i].file], dialect_, &chunks_[i]); });
    std::size_t row = 0;
    std::size_t line = 0;
    std::size_t file_number = 0;
    for (std::size_t i = 0; i < chunks_.size(); ++i) {
      if (i == 0 || chunks_[i].file != chunks_[i - 1].file) line = first_lines[file_number++];
      chunks_[i].first_line = line;
      chunks_[i].first_row = row;
      line += chunks_[i].num_lines;
      row += chunks_[i].num_rows;
    }
    rows_ = row;
    if (rows_ == 0) ThrowNoRows();
  }

  // A chunk's rows are one per line when its record count equals the lines it spans: a blank
  // line or a quoted line break would each leave one line more than records.
  void RecordSources(RowSources& sources) const {
    sources.files.clear();
    sources.runs.clear();
    for (const FileText& file : files_) sources.files.emplace_back(file.name);
    for (const Chunk& chunk : chunks_) {
      if (chunk.num_rows == 0) continue;
      const std::string_view text = files_[chunk.file].text;
      const bool open_end = chunk.end > chunk.begin && text[chunk.end - 1] != '\n';
      sources.runs.push_back(RowRun{chunk.file, chunk.first_row, chunk.num_rows, chunk.first_line,
                                    chunk.num_rows == chunk.num_lines + (open_end ? 1 : 0)});
    }
  }

  template <typename Body>
  void ParallelFor(const Body& body) {
    arena_.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks_.size(), 1),
                        [&](const tbb::blocked_range<std::size_t>& range) {
                          for (std::size_t i = range.begin(); i != range.end(); ++i) body(i);
                        });
    });
  }

  csv::FillPlan MakePlan(bool infer) const {
    const FileText& file = files_[first_file_];
    return csv::MakeFillPlan(schema_, csv::MakeLayout(schema_, has_label_, has_weight_, names_),
                             infer, options_.schema != nullptr, std::string(file.name),
                             first().line);
  }

  DataSet Allocate(std::size_t num_features) const {
    DataSet data;
    try {
      data.features = DenseMatrix(rows_, num_features);
      if (has_label_) data.labels.assign(rows_, 0.0F);
      if (has_weight_) data.weights.assign(rows_, 0.0F);
    } catch (const std::bad_alloc&) {
      throw InvalidInput(fmt::format(
          "{} rows x {} features need {:.1f} GB as float32, more memory than is available", rows_,
          num_features, static_cast<double>(rows_) * num_features * 4.0 / 1e9));
    }
    return data;
  }

  std::vector<ChunkReport> Fill(const csv::FillPlan& plan, DataSet* data) {
    DenseMatrix& matrix = std::get<DenseMatrix>(data->features);
    const csv::FillTarget target{matrix.values.data(), matrix.cols,
                                 has_label_ ? data->labels.data() : nullptr,
                                 has_weight_ ? data->weights.data() : nullptr};
    std::vector<ChunkReport> reports(chunks_.size());
    ParallelFor([&](std::size_t i) {
      reports[i] = csv::FillChunk(files_, chunks_[i], dialect_, plan, target);
    });
    // Chunks are in file order and each stops at its first error: the first report with a
    // failure holds the earliest error, whatever the thread count.
    for (std::size_t i = 0; i < reports.size(); ++i) {
      if (!reports[i].failure) continue;
      if (reports[i].failure->internal) throw InternalError(reports[i].failure->message);
      throw InvalidInput(reports[i].failure->message);
    }
    for (std::size_t i = 0; i < reports.size(); ++i) {
      GROVE_CHECK(reports[i].rows == chunks_[i].num_rows, "CSV chunk row count mismatch");
    }
    return reports;
  }

  DataSet FillOnce() {
    DataSet data = Allocate(schema_.NumFeatures());
    const csv::FillPlan plan = MakePlan(false);
    const std::vector<ChunkReport> reports = Fill(plan, &data);
    if (options_.schema != nullptr) WarnUnseen(reports);
    data.schema = schema_;
    return data;
  }

  DataSet FillInferring() {
    DataSet data = Allocate(schema_.NumFeatures());
    std::vector<std::optional<csv::TextExample>> text_cells(schema_.columns.size());
    {
      const csv::FillPlan plan = MakePlan(true);
      for (const ChunkReport& report : Fill(plan, &data)) {
        for (std::size_t k = 0; k < text_cells.size(); ++k) {
          if (!text_cells[k] && report.text_cells[k]) text_cells[k] = report.text_cells[k];
        }
      }
    }
    bool any_text = false;
    for (const auto& example : text_cells) any_text = any_text || example.has_value();
    if (any_text) {
      data = DataSet();  // release the numeric-only matrix before allocating the wider one
      csv::MakeCategorical(&schema_, text_cells, CollectDictionaries(text_cells), files_,
                           FeatureColumnOffset());
      data = Allocate(schema_.NumFeatures());
      Fill(MakePlan(false), &data);
    }
    data.schema = schema_;
    return data;
  }

  std::vector<std::vector<std::string>> CollectDictionaries(
      const std::vector<std::optional<csv::TextExample>>& text_cells) {
    Schema marked = schema_;
    for (std::size_t k = 0; k < text_cells.size(); ++k) {
      if (text_cells[k]) marked.columns[k].kind = ColumnKind::kCategorical;
    }
    const csv::Layout layout = csv::MakeLayout(marked, has_label_, has_weight_, {});
    std::vector<std::vector<csv::CategorySet>> per_chunk(chunks_.size());
    ParallelFor([&](std::size_t i) {
      per_chunk[i].resize(schema_.columns.size());
      csv::CollectCategories(files_[chunks_[i].file], chunks_[i], dialect_, layout, &per_chunk[i]);
    });
    std::vector<std::vector<std::string>> dictionaries(schema_.columns.size());
    for (std::size_t k = 0; k < schema_.columns.size(); ++k) {
      if (!text_cells[k]) continue;
      csv::CategorySet merged;
      for (std::vector<csv::CategorySet>& sets : per_chunk) merged.merge(sets[k]);
      dictionaries[k].assign(merged.begin(), merged.end());
    }
    return dictionaries;
  }

  // One warning per column: its count of unseen categories across all files, and an example.
  void WarnUnseen(const std::vector<ChunkReport>& reports) const {
    for (std::size_t k = 0; k < schema_.columns.size(); ++k) {
      std::size_t count = 0;
      std::optional<csv::TextExample> example;
      std::set<std::size_t> files;
      for (std::size_t i = 0; i < reports.size(); ++i) {
        const csv::UnseenCategories& unseen = reports[i].unseen[k];
        if (unseen.count == 0) continue;
        count += unseen.count;
        files.insert(chunks_[i].file);
        if (!example) example = unseen.first;
      }
      if (count == 0) continue;
      std::vector<FileText> named;
      for (const std::size_t f : files) named.push_back(files_[f]);
      Log(LogLevel::kWarning,
          fmt::format("{}: column {}: {} cell{} held categories not seen in training (e.g. {} at "
                      "{}:{}); encoded as all zeros",
                      FileList(named), csv::QuoteForMessage(schema_.columns[k].name), count,
                      count == 1 ? "" : "s", csv::QuoteForMessage(example->text),
                      files_[example->file].name, example->line));
    }
  }

  const ReadOptions& options_;
  tbb::task_arena arena_;
  std::vector<FileText> files_;
  bool has_label_;
  bool has_weight_;
  csv::Dialect dialect_;
  std::vector<FirstRecord> firsts_;
  std::size_t first_file_ = 0;
  bool header_ = false;
  Schema schema_;
  std::vector<std::string> names_;  // header names per file column, for messages
  std::vector<Chunk> chunks_;
  std::size_t rows_ = 0;
};

}  // namespace

DataSet ReadCsv(std::span<const Buffer> files, const ReadOptions& options) {
  if (files.empty()) throw InvalidInput("ReadCsv: no input files given");
  if (options.nthread < 0) {
    throw InvalidInput(
        fmt::format("nthread is {}, expected 0 (all cores) or a positive number", options.nthread));
  }
  return CsvJob(files, options).Run();
}

}  // namespace grove::io
