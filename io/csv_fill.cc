#include "io/csv_fill.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "grove/dataset.h"

namespace grove::io::csv {
namespace {

// Parses the records of one chunk into its rows of the output. The first bad cell throws
// ParseFailure, which FillChunk turns into the chunk's report.
class ChunkFiller {
 public:
  ChunkFiller(std::span<const FileText> files, const Chunk& chunk, const Dialect& dialect,
              const FillPlan& plan, const FillTarget& target, ChunkReport* report)
      : file_(files[chunk.file]),
        chunk_(chunk),
        dialect_(dialect),
        plan_(plan),
        target_(target),
        report_(report) {}

  void Run() {
    if (UseLineFastPath()) {
      ReadLines();
    } else {
      ReadRecords(chunk_.begin, chunk_.end, chunk_.first_line);
    }
    report_->rows = rows_;
  }

 private:
  // Without quotes a record is a line; rows of numbers and empty cells then take the fast path.
  bool UseLineFastPath() const {
    if (file_.has_quotes || dialect_.IsWhitespace()) return false;
    for (const Slot& slot : plan_.layout.slots) {
      if (slot.kind == SlotKind::kCategorical) return false;
    }
    return true;
  }

  // False when the chunk holds more records than counted: only possible when the chunk was
  // cut inside a quoted field, i.e. after a quoting error an earlier chunk reports.
  bool TakeRow() {
    if (rows_ < chunk_.num_rows) return true;
    report_->failure = ChunkReport::Failure{
        fmt::format("CSV reader: {} holds more records than counted near byte {}", file_.name,
                    chunk_.begin),
        true};
    return false;
  }

  bool ReadRecords(std::size_t begin, std::size_t end, std::size_t first_line) {
    RecordReader reader(file_, begin, end, first_line, dialect_);
    while (reader.NextRecord()) {
      if (!TakeRow()) return false;
      FillRecord(&reader, chunk_.first_row + rows_);
      ++rows_;
    }
    return true;
  }

  void ReadLines() {
    const char* const text = file_.text.data();
    const char* p = text + chunk_.begin;
    const char* const last = text + chunk_.end;
    std::size_t line = chunk_.first_line;
    while (p < last) {
      const char* newline =
          static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(last - p)));
      const char* const line_end = newline != nullptr ? newline : last;
      const char* const next = newline != nullptr ? newline + 1 : last;
      const char* first = p;
      while (first < line_end && IsPadding(*first, dialect_.delimiter)) ++first;
      if (first != line_end) {  // not a blank line
        if (!TakeRow()) return;
        if (FastRow(first, line_end, chunk_.first_row + rows_)) {
          ++rows_;
        } else if (!ReadRecords(static_cast<std::size_t>(p - text),
                                static_cast<std::size_t>(next - text), line)) {
          return;
        }
      }
      ++line;
      p = next;
    }
  }

  // Parses a line of plain numbers and empty cells; false (having written nothing that the
  // general path will not overwrite) on anything else, including every kind of error.
  bool FastRow(const char* p, const char* line_end, std::size_t row) {
    float* const out = target_.features + row * target_.cols;
    const char delimiter = dialect_.delimiter;
    const std::vector<Slot>& slots = plan_.layout.slots;
    for (std::size_t col = 0; col < slots.size(); ++col) {
      while (p < line_end && IsPadding(*p, delimiter)) ++p;
      float value = 0.0F;
      const char* end = ParseSimpleFloat(p, line_end, &value);
      const bool missing = end == nullptr;  // an empty cell, or text for the general path
      if (missing) end = p;
      while (end < line_end && IsPadding(*end, delimiter)) ++end;
      const bool last_column = col + 1 == slots.size();
      if (last_column ? end != line_end : (end == line_end || *end != delimiter)) return false;
      switch (slots[col].kind) {
        case SlotKind::kNumeric:
          out[slots[col].feature] = missing ? kMissing : value;
          break;
        case SlotKind::kLabel:
          if (missing) return false;
          target_.labels[row] = value;
          break;
        case SlotKind::kWeight:
          if (missing || !(value >= 0.0F)) return false;
          target_.weights[row] = value;
          break;
        case SlotKind::kCategorical:
          return false;
      }
      p = end + 1;
    }
    return true;
  }

  void FillRecord(RecordReader* reader, std::size_t row) {
    float* const out = target_.features + row * target_.cols;
    const std::vector<Slot>& slots = plan_.layout.slots;
    std::size_t col = 0;
    Field field;
    while (reader->NextField(&field)) {
      if (col == slots.size()) {
        std::size_t found = col + 1;
        while (reader->NextField(&field)) ++found;
        FailRagged(*reader, found);
      }
      try {
        FillCell(field, col, row, out);
      } catch (const ParseFailure&) {
        // A row with the wrong column count (say, another delimiter) usually has a bad cell
        // too; the count is the better diagnosis.
        std::size_t found = col + 1;
        while (reader->NextField(&field)) ++found;
        if (found != slots.size()) FailRagged(*reader, found);
        throw;
      }
      ++col;
    }
    if (col != slots.size()) FailRagged(*reader, col);
  }

  void FillCell(const Field& field, std::size_t col, std::size_t row, float* out) {
    const std::string_view text = field.escaped ? Unescape(field, &scratch_) : field.text;
    const Slot& slot = plan_.layout.slots[col];
    switch (slot.kind) {
      case SlotKind::kNumeric:
        FillNumeric(field, text, col, out + slot.feature);
        break;
      case SlotKind::kCategorical:
        FillCategorical(field, text, slot, out + slot.feature);
        break;
      case SlotKind::kLabel:
        target_.labels[row] = ParseLabel(field, text, col);
        break;
      case SlotKind::kWeight:
        target_.weights[row] = ParseWeight(field, text, col);
        break;
    }
  }

  void FillNumeric(const Field& field, std::string_view text, std::size_t col, float* out) {
    float value = 0.0F;
    switch (ParseCell(text, &value)) {
      case CellKind::kNumber:
        *out = value;
        return;
      case CellKind::kMissing:
        *out = kMissing;
        return;
      case CellKind::kText:
        break;
    }
    const Slot& slot = plan_.layout.slots[col];
    if (plan_.infer) {  // the column becomes categorical; a later pass fills it
      std::optional<TextExample>& example = report_->text_cells[slot.column];
      if (!example) example = TextExample{chunk_.file, field.line, std::string(text)};
      *out = kMissing;
      return;
    }
    const std::string hint =
        plan_.schema_given
            ? std::string("the model's schema says this column is numeric")
            : std::string(
                  "write missing values as an empty field, NA, NaN or ?; to treat a text column "
                  "as categories, add a header row");
    Fail(field, col, fmt::format("cannot parse {} as a number ({})", QuoteForMessage(text), hint));
  }

  void FillCategorical(const Field& field, std::string_view text, const Slot& slot, float* out) {
    float ignored = 0.0F;
    if (ParseCell(text, &ignored) == CellKind::kMissing) {
      // NaN in every one-hot feature: trees route the row by each split's learned default
      // direction, as for a missing numeric value (zeros would claim "none of the categories").
      std::fill(out, out + slot.width, kMissing);
      return;
    }
    std::fill(out, out + slot.width, 0.0F);
    const CategoryIds& ids = plan_.categories[slot.column];
    const auto found = ids.find(text);
    if (found != ids.end()) {
      out[found->second] = 1.0F;
      return;
    }
    UnseenCategories& unseen = report_->unseen[slot.column];
    if (unseen.count++ == 0) unseen.first = TextExample{chunk_.file, field.line, std::string(text)};
  }

  float ParseLabel(const Field& field, std::string_view text, std::size_t col) {
    float value = 0.0F;
    switch (ParseCell(text, &value)) {
      case CellKind::kNumber:
        if (std::isfinite(value)) return value;
        Fail(field, col, fmt::format("the label {} is not a finite number", QuoteForMessage(text)));
      case CellKind::kMissing:
        Fail(field, col,
             fmt::format("the label is missing ({}); every row needs a numeric label in column "
                         "1 (for prediction input without labels, read with has_label = false)",
                         text.empty() ? std::string("empty cell") : QuoteForMessage(text)));
      case CellKind::kText:
        break;
    }
    Fail(field, col,
         fmt::format("cannot parse {} as a number (the label must be numeric)",
                     QuoteForMessage(text)));
  }

  float ParseWeight(const Field& field, std::string_view text, std::size_t col) {
    float value = 0.0F;
    switch (ParseCell(text, &value)) {
      case CellKind::kNumber:
        if (std::isfinite(value) && value >= 0.0F) return value;
        Fail(field, col,
             fmt::format("the weight {} is {}; weights must be finite numbers >= 0",
                         QuoteForMessage(text), std::isfinite(value) ? "negative" : "not finite"));
      case CellKind::kMissing:
        Fail(field, col,
             fmt::format("the weight is missing ({}); with csv_weights = 1 every row needs a "
                         "number >= 0 in column 2",
                         text.empty() ? std::string("empty cell") : QuoteForMessage(text)));
      case CellKind::kText:
        break;
    }
    Fail(field, col,
         fmt::format("cannot parse {} as a number (the weight must be a number >= 0)",
                     QuoteForMessage(text)));
  }

  [[noreturn]] void Fail(const Field& field, std::size_t col, const std::string& what) const {
    throw ParseFailure(
        fmt::format("{}:{}, {}: {}", file_.name, field.line, plan_.layout.Describe(col), what));
  }

  [[noreturn]] void FailRagged(const RecordReader& reader, std::size_t found) const {
    // "(as in line 1)" within the file that set the count, "(as in a.csv:1)" elsewhere.
    const std::string where = file_.name == plan_.counted_file
                                  ? fmt::format("line {}", plan_.counted_line)
                                  : fmt::format("{}:{}", plan_.counted_file, plan_.counted_line);
    throw ParseFailure(fmt::format("{}:{}: found {} column{}, expected {} (as in {})", file_.name,
                                   reader.record_line(), found, found == 1 ? "" : "s",
                                   plan_.layout.num_columns(), where));
  }

  const FileText& file_;
  const Chunk& chunk_;
  const Dialect& dialect_;
  const FillPlan& plan_;
  const FillTarget& target_;
  ChunkReport* report_;
  std::size_t rows_ = 0;
  std::string scratch_;
};

}  // namespace

FillPlan MakeFillPlan(const Schema& schema, Layout layout, bool infer, bool schema_given,
                      std::string counted_file, std::size_t counted_line) {
  FillPlan plan;
  plan.layout = std::move(layout);
  plan.infer = infer;
  plan.schema_given = schema_given;
  plan.counted_file = std::move(counted_file);
  plan.counted_line = counted_line;
  plan.categories.resize(schema.columns.size());
  for (std::size_t k = 0; k < schema.columns.size(); ++k) {
    const std::vector<std::string>& categories = schema.columns[k].categories;
    for (std::size_t c = 0; c < categories.size(); ++c) {
      plan.categories[k].emplace(categories[c], static_cast<std::uint32_t>(c));
    }
  }
  return plan;
}

ChunkReport FillChunk(std::span<const FileText> files, const Chunk& chunk, const Dialect& dialect,
                      const FillPlan& plan, const FillTarget& target) {
  ChunkReport report;
  report.text_cells.resize(plan.categories.size());
  report.unseen.resize(plan.categories.size());
  try {
    ChunkFiller(files, chunk, dialect, plan, target, &report).Run();
  } catch (const ParseFailure& failure) {
    report.failure = ChunkReport::Failure{failure.what(), false};
  }
  return report;
}

void CollectCategories(const FileText& file, const Chunk& chunk, const Dialect& dialect,
                       const Layout& layout, std::vector<CategorySet>* sets) {
  RecordReader reader(file, chunk.begin, chunk.end, chunk.first_line, dialect);
  Field field;
  std::string scratch;
  while (reader.NextRecord()) {
    for (std::size_t col = 0; reader.NextField(&field); ++col) {
      if (col >= layout.slots.size() || layout.slots[col].kind != SlotKind::kCategorical) continue;
      const std::string_view text = Unescape(field, &scratch);
      float ignored = 0.0F;
      if (ParseCell(text, &ignored) == CellKind::kMissing) continue;
      CategorySet& set = (*sets)[layout.slots[col].column];
      if (set.find(text) == set.end()) set.emplace(text);
    }
  }
}

}  // namespace grove::io::csv
