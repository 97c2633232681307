#include "cli/predict_input.h"

#include <fmt/format.h>

#include <fstream>
#include <string>
#include <utility>
#include <variant>

#include "grove/errors.h"
#include "grove/log.h"

namespace grove::cli {

namespace {

// The format of the first file, judged from its beginning (its first line, as the channel
// reader does). A FIFO cannot be read twice, so it needs --content-type.
io::Format ResolveFormat(const std::filesystem::path& input, io::Format format) {
  if (format != io::Format::kAuto) return format;
  const std::filesystem::path first = io::ListChannelFiles(input).front();
  if (std::filesystem::is_fifo(first)) {
    throw InvalidInput(fmt::format("{}: is a FIFO; set --content-type (text/csv or text/libsvm) "
                                   "to read it once",
                                   first.string()));
  }
  std::ifstream in(first, std::ios::binary);
  std::string head(1 << 16, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  const bool gzip = head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
                    static_cast<unsigned char>(head[1]) == 0x8b;
  if (gzip) return io::DetectFormat(io::ReadFile(first).data);
  return io::DetectFormat(head);
}

DataSet Read(const std::filesystem::path& input, const Model& model, io::Format format,
             bool has_label, int nthread) {
  io::ReadOptions options;
  options.format = format;
  options.has_label = has_label;
  options.nthread = nthread;
  if (format == io::Format::kCsv && !model.schema.columns.empty()) options.schema = &model.schema;
  return io::ReadChannel(input, options);
}

// Column 0 of a dense matrix becomes the labels.
void SplitOffLabel(DataSet& data) {
  const DenseMatrix& x = data.Dense();
  DenseMatrix features(x.rows, x.cols - 1);
  data.labels.resize(x.rows);
  for (std::size_t r = 0; r < x.rows; ++r) {
    data.labels[r] = x.At(r, 0);
    std::copy(x.values.begin() + static_cast<std::ptrdiff_t>(r * x.cols + 1),
              x.values.begin() + static_cast<std::ptrdiff_t>((r + 1) * x.cols),
              features.values.begin() + static_cast<std::ptrdiff_t>(r * features.cols));
  }
  data.features = std::move(features);
}

DataSet ReadCsvAuto(const std::filesystem::path& input, const Model& model, int nthread) {
  const auto nf = static_cast<std::size_t>(model.num_features);
  if (model.schema.columns.empty()) {
    DataSet data = Read(input, model, io::Format::kCsv, false, nthread);
    const std::size_t cols = data.NumFeatures();
    if (cols == nf + 1) {
      Log(LogLevel::kInfo, fmt::format("{}: {} columns = label + {} features: the first column "
                                       "is taken as the label and ignored",
                                       input.string(), cols, nf));
      SplitOffLabel(data);
    } else if (cols != nf) {
      throw InvalidInput(fmt::format(
          "{}: has {} columns, but the model has {} features: expected {} (features only) or "
          "{} (label first, then the features)",
          input.string(), cols, nf, nf, nf + 1));
    }
    return data;
  }
  // With a schema the reader checks the column count itself: exactly one reading can succeed.
  try {
    return Read(input, model, io::Format::kCsv, true, nthread);
  } catch (const InvalidInput& with_label) {
    try {
      return Read(input, model, io::Format::kCsv, false, nthread);
    } catch (const InvalidInput& without_label) {
      throw InvalidInput(fmt::format(
          "{}: cannot be read as the model's input with a label column ({}) nor without one "
          "({}); --label first or --label none selects one reading",
          input.string(), with_label.what(), without_label.what()));
    }
  }
}

// Fewer columns than the model: the missing trailing features are absent (XGBoost's rule).
void WidenTo(DataSet& data, std::size_t nf, const std::filesystem::path& input) {
  const std::size_t cols = data.NumFeatures();
  if (cols > nf) {
    throw InvalidInput(fmt::format("{}: has {} feature columns, but the model has {} features",
                                   input.string(), cols, nf));
  }
  if (cols == nf) return;
  if (auto* csr = std::get_if<CsrMatrix>(&data.features)) {
    csr->cols = nf;
    return;
  }
  const DenseMatrix& x = data.Dense();
  DenseMatrix wide(x.rows, nf);
  for (std::size_t r = 0; r < x.rows; ++r) {
    std::copy(x.values.begin() + static_cast<std::ptrdiff_t>(r * cols),
              x.values.begin() + static_cast<std::ptrdiff_t>((r + 1) * cols),
              wide.values.begin() + static_cast<std::ptrdiff_t>(r * nf));
  }
  data.features = std::move(wide);
}

}  // namespace

DataSet ReadPredictInput(const std::filesystem::path& input, const Model& model,
                         const PredictInputOptions& options) {
  const io::Format format = ResolveFormat(input, options.format);
  DataSet data;
  if (format == io::Format::kLibsvm) {
    if (options.label == LabelColumn::kNone) {
      throw InvalidInput(fmt::format(
          "{}: libsvm lines always begin with a label; --label none applies to CSV input",
          input.string()));
    }
    data = Read(input, model, format, true, options.nthread);
  } else if (options.label == LabelColumn::kAuto) {
    data = ReadCsvAuto(input, model, options.nthread);
  } else {
    data = Read(input, model, format, options.label == LabelColumn::kFirst, options.nthread);
  }
  WidenTo(data, static_cast<std::size_t>(model.num_features), input);
  return data;
}

}  // namespace grove::cli
