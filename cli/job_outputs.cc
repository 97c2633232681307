#include "cli/job_outputs.h"

#include <cerrno>
#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/job_files.h"
#include "grove/errors.h"
#include "grove/metrics.h"

namespace grove::cli {

std::string RoundLine(const RoundInfo& round) {
  std::string line = fmt::format("[{}]", round.iteration);
  for (const EvalResult& r : round.results) {
    line += fmt::format("\t{}-{}:{:.5f}", r.set, r.metric, r.value);
  }
  return line;
}

RoundLog::RoundLog(std::optional<std::filesystem::path> history, std::string earlier) {
  if (history.has_value()) {
    path_ = *history;
    std::error_code ec;
    std::filesystem::create_directories(path_.parent_path(), ec);
    history_ = std::fopen(path_.c_str(), "w");
    if (history_ == nullptr) {
      throw IoError(fmt::format("cannot create {}: {}", path_.string(), std::strerror(errno)));
    }
  }
  Append(earlier);
}

void RoundLog::Append(const std::string& text) {
  lines_ += text;
  if (history_ == nullptr || text.empty()) return;
  if (std::fputs(text.c_str(), history_) < 0 || std::fflush(history_) != 0) {
    throw IoError(fmt::format("cannot write {}: {}", path_.string(), std::strerror(errno)));
  }
}

RoundLog::~RoundLog() {
  if (history_ != nullptr) std::fclose(history_);
}

void RoundLog::Write(const RoundInfo& round) {
  const std::string line = RoundLine(round);
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
  nlohmann::ordered_json record;
  record["round"] = round.iteration;
  for (const EvalResult& r : round.results) {
    // JSON has no NaN or infinity; null marks an undefined metric value.
    if (std::isfinite(r.value)) record[r.set + "-" + r.metric] = r.value;
    else record[r.set + "-" + r.metric] = nullptr;
  }
  Append(record.dump() + "\n");
}

namespace {

double Evaluate(const char* name, const std::vector<float>& predictions, const DataSet& test,
                std::size_t outputs) {
  MetricInput input;
  input.predictions = predictions;
  input.labels = test.labels;
  input.weights = test.weights;
  input.num_outputs = outputs;
  return CreateMetric(name)->Evaluate(input);
}

void PrintLine(const std::string& line) {
  std::puts(line.c_str());
  std::fflush(stdout);
}

}  // namespace

void PrintTestReport(const Model& model, const DataSet& test) {
  PredictOptions options;
  // multi:softmax's values are class indices; its margins rank the classes the same way.
  if (model.params.objective == "multi:softmax") options.type = PredictType::kMargin;
  const std::vector<float> predictions =
      test.IsDense() ? model.Predict(test.Dense(), options) : model.Predict(test.Sparse(), options);
  const auto outputs = static_cast<std::size_t>(model.num_outputs);
  if (!model.params.IsClassification()) {
    PrintLine(fmt::format("Test RMSE: {:.4f}", Evaluate("rmse", predictions, test, outputs)));
    return;
  }
  PrintLine(fmt::format("Test Accuracy: {:.4f}", Evaluate("accuracy", predictions, test, outputs)));
  if (outputs == 1 && model.params.objective != "binary:hinge") {
    PrintLine(fmt::format("Test AUC: {:.4f}", Evaluate("auc", predictions, test, outputs)));
  }
}

void WriteFeatureImportance(const Model& model, const std::filesystem::path& path) {
  const std::pair<const char*, ImportanceType> kinds[] = {
      {"weight", ImportanceType::kWeight},        {"gain", ImportanceType::kGain},
      {"cover", ImportanceType::kCover},          {"total_gain", ImportanceType::kTotalGain},
      {"total_cover", ImportanceType::kTotalCover}};
  nlohmann::ordered_json out;
  for (const auto& [name, type] : kinds) {
    nlohmann::ordered_json scores = nlohmann::ordered_json::object();
    for (const auto& [feature, value] : model.FeatureImportance(type)) scores[feature] = value;
    out[name] = std::move(scores);
  }
  WriteFileAtomic(path, out.dump(2) + "\n");
}

Model TruncateToBestIteration(Model model) {
  if (model.best_iteration < 0 || model.best_iteration + 1 >= model.NumRounds()) return model;
  const auto keep = static_cast<std::size_t>(model.best_iteration + 1) *
                    static_cast<std::size_t>(model.trees_per_round);
  model.trees.resize(keep);
  model.tree_group.resize(keep);
  return model;
}

}  // namespace grove::cli
