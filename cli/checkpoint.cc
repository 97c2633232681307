#include "cli/checkpoint.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/job_files.h"
#include "grove/errors.h"
#include "grove/log.h"

namespace grove::cli {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kPrefix = "grove-checkpoint.";

// (round index, path) of every `grove-checkpoint.<i>` in `dir`, newest first.
std::vector<std::pair<long, fs::path>> ListCheckpoints(const fs::path& dir) {
  std::vector<std::pair<long, fs::path>> found;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(kPrefix)) continue;
    const std::string_view digits = std::string_view(name).substr(kPrefix.size());
    long round = 0;
    const auto [ptr, error] = std::from_chars(digits.data(), digits.data() + digits.size(), round);
    if (digits.empty() || error != std::errc() || ptr != digits.data() + digits.size()) continue;
    found.emplace_back(round, it->path());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  return found;
}

// The hyperparameters that decide the trees: everything but the round count and the knobs that
// only change speed or logging.
nlohmann::ordered_json Identity(const TrainParams& params) {
  nlohmann::ordered_json config = params.ToJson();
  for (const char* key : {"num_round", "nthread", "n_jobs", "verbosity"}) config.erase(key);
  return config;
}

std::string Differences(const TrainParams& a, const TrainParams& b) {
  const nlohmann::ordered_json x = Identity(a), y = Identity(b);
  std::vector<std::string> out;
  for (const auto& [key, value] : x.items()) {
    if (!y.contains(key) || y[key] != value) {
      out.push_back(fmt::format("{} {} vs {}", key, value.dump(), y.contains(key) ? y[key].dump() : "unset"));
    }
  }
  return fmt::format("{}", fmt::join(out, ", "));
}

fs::path HistoryPath(const fs::path& dir, long round) {
  return dir / fmt::format("grove-history.{}.jsonl", round);
}

// The history file of checkpoint `round`, when it holds exactly one line per round.
std::string LoadHistory(const fs::path& dir, long round) {
  const fs::path path = HistoryPath(dir, round);
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    Log(LogLevel::kWarning,
        fmt::format("Checkpoint {} has no {}: metrics-history.jsonl will hold only the rounds "
                    "trained from now on",
                    round, path.filename().string()));
    return "";
  }
  std::string text;
  try {
    text = ReadFileText(path);
  } catch (const Error& e) {
    Log(LogLevel::kWarning, fmt::format("Ignoring {}: {}", path.string(), e.what()));
    return "";
  }
  const auto lines = std::count(text.begin(), text.end(), '\n');
  if (lines != round + 1 || (!text.empty() && text.back() != '\n')) {
    Log(LogLevel::kWarning,
        fmt::format("Ignoring {}: it holds {} lines, its checkpoint {} rounds; "
                    "metrics-history.jsonl will hold only the rounds trained from now on",
                    path.string(), lines, round + 1));
    return "";
  }
  return text;
}

bool UploadInProgress(const fs::path& file) {
  std::error_code ec;
  return fs::exists(file.string() + ".sagemaker-uploading", ec) &&
         !fs::exists(file.string() + ".sagemaker-uploaded", ec);
}

}  // namespace

Checkpoints::Checkpoints(fs::path dir, int frequency) : dir_(std::move(dir)), frequency_(frequency) {}

std::optional<Checkpoint> Checkpoints::LoadNewest(const TrainParams& params) const {
  for (const auto& [round, path] : ListCheckpoints(dir_)) {
    Model model;
    try {
      model = Model::Load(path);
    } catch (const Error& e) {
      Log(LogLevel::kWarning, fmt::format("Skipping checkpoint {}: {}", path.string(), e.what()));
      continue;
    }
    if (model.NumRounds() != round + 1) {
      Log(LogLevel::kWarning,
          fmt::format("Skipping checkpoint {}: it holds {} rounds, its name says {}",
                      path.string(), model.NumRounds(), round + 1));
      continue;
    }
    if (Identity(model.params) != Identity(params)) {
      throw InvalidInput(fmt::format(
          "checkpoint {} was written by a job with other hyperparameters ({}; checkpoint vs "
          "this job); resume with the original hyperparameters, or give this job an empty "
          "checkpoint directory",
          path.string(), Differences(model.params, params)));
    }
    return Checkpoint{std::move(model), LoadHistory(dir_, round)};
  }
  return std::nullopt;
}

void Checkpoints::Save(const Model& model, std::string_view history) const {
  const long round = model.NumRounds() - 1;
  if (round < 0) return;
  // History first: a checkpoint that exists always has its history beside it.
  WriteFileAtomic(HistoryPath(dir_, round), history, ".sagemaker-ignore");
  const fs::path path = dir_ / fmt::format("{}{}", kPrefix, round);
  WriteFileAtomic(path, model.ToJson(), ".sagemaker-ignore");
  const auto all = ListCheckpoints(dir_);
  for (std::size_t k = kKeep; k < all.size(); ++k) {
    const fs::path history_path = HistoryPath(dir_, all[k].first);
    if (UploadInProgress(all[k].second) || UploadInProgress(history_path)) continue;
    std::error_code ec;  // SageMaker is still copying it to S3 in the case above
    fs::remove(all[k].second, ec);
    fs::remove(history_path, ec);
  }
}

}  // namespace grove::cli
