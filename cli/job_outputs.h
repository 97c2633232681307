// cli/job_outputs.h — what a training job prints and writes besides the model: the built-in
// container's per-round line, the metrics history, feature importances, the test report.
//
//   RoundLog log(output_data_dir / "metrics-history.jsonl");   // or no path: stdout only
//   log.Write(round);          // `[7]\ttrain-auc:0.91429\tvalidation-auc:0.80998`, flushed
//   PrintTestReport(model, test);   // `Test Accuracy: 0.9125` / `Test AUC: 0.9634`
//   WriteFeatureImportance(model, output_data_dir / "feature-importance.json");
#pragma once

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "grove/dataset.h"
#include "grove/model.h"
#include "grove/train.h"

namespace grove::cli {

/// `[<i>]` then, for each result, a TAB and `<set>-<metric>:<value>` with 5 decimals: the line
/// SageMaker's built-in XGBoost prints and its HPO regexes parse.
std::string RoundLine(const RoundInfo& round);

/// Prints round lines on stdout (flushed) and appends each round as one JSON line
/// {"round": i, "train-auc": ..., ...} with full precision to the history file, if any. The
/// lines of a resumed job's earlier rounds (`earlier`, from its checkpoint) start the file, so
/// it equals the file of an uninterrupted job; History() is every line so far, for the next
/// checkpoint.
class RoundLog {
 public:
  RoundLog(std::optional<std::filesystem::path> history, std::string earlier);
  ~RoundLog();
  RoundLog(const RoundLog&) = delete;
  RoundLog& operator=(const RoundLog&) = delete;
  void Write(const RoundInfo& round);
  const std::string& History() const { return lines_; }

 private:
  void Append(const std::string& text);

  std::string lines_;
  std::FILE* history_ = nullptr;
  std::filesystem::path path_;
};

/// `Test Accuracy: 0.xxxx` and, for binary classification, `Test AUC: 0.xxxx` (4 decimals, as
/// the guide's script prints them) on stdout; `Test RMSE: x.xxxx` for regression.
void PrintTestReport(const Model& model, const DataSet& test);

/// {"weight": {...}, "gain": {...}, "cover": {...}, "total_gain": {...}, "total_cover": {...}}
/// keyed by feature name, written atomically.
void WriteFeatureImportance(const Model& model, const std::filesystem::path& path);

/// The model with the rounds after its best iteration removed (early stopping), as the
/// built-in container saves it; unchanged when no best iteration was recorded.
Model TruncateToBestIteration(Model model);

}  // namespace grove::cli
