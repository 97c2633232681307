// cli/checkpoint.h — managed-spot checkpoints of a boosting job.
//
//   Checkpoints checkpoints(dir, /*frequency=*/10);
//   std::optional<Checkpoint> resume = checkpoints.LoadNewest(params);   // skips corrupt files
//   ... in TrainOptions::on_round:
//   if (checkpoints.Due(round)) checkpoints.Save(*round.model, history_so_far);
//
// Files are `grove-checkpoint.<i>`, i the 0-based index of the last round they hold, in grove's
// native JSON, each with `grove-history.<i>.jsonl`, the metrics history of rounds 0..i (written
// first, so every checkpoint has its history). Each file is written to
// `<name>.sagemaker-ignore` (which SageMaker does not upload), flushed and renamed, so a reader
// sees whole files only. The newest kKeep are kept; a file SageMaker is still uploading
// (`<name>.sagemaker-uploading` without `.sagemaker-uploaded`) is left for a later pass.
// SageMaker copies the S3 checkpoints into the directory before a restarted job starts, which
// is how an interrupted spot job resumes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "grove/model.h"
#include "grove/params.h"

namespace grove::cli {

struct Checkpoint {
  Model model;
  /// The metrics-history lines of rounds 0..NumRounds()-1; empty when the checkpoint has no
  /// (whole) history file, e.g. one written by an older grove.
  std::string history;
};

class Checkpoints {
 public:
  static constexpr int kKeep = 5;

  Checkpoints(std::filesystem::path dir, int frequency);

  /// The newest checkpoint that loads and matches `params` (every hyperparameter except
  /// num_round, nthread, n_jobs and verbosity). A file that does not load or whose round count
  /// disagrees with its name is skipped with a log line. Throws InvalidInput when the newest
  /// loadable checkpoint was trained with other hyperparameters: continuing it would mix two
  /// jobs, starting over would silently discard it.
  std::optional<Checkpoint> LoadNewest(const TrainParams& params) const;

  /// True when round `iteration` (0-based) ends a checkpoint interval.
  bool Due(int iteration) const { return (iteration + 1) % frequency_ == 0; }
  /// Writes `history` (the metrics-history lines of the model's rounds) and `model`
  /// (NumRounds() rounds) as round NumRounds() - 1 and removes the oldest beyond kKeep. Throws
  /// IoError when a write fails.
  void Save(const Model& model, std::string_view history) const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  int frequency_;
};

}  // namespace grove::cli
