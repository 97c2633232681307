// cli/checkpoint.h — managed-spot checkpoints of a boosting job.
//
//   Checkpoints checkpoints(dir, /*frequency=*/10);
//   std::optional<Model> resume = checkpoints.LoadNewest(params);   // skips corrupt files
//   ... in TrainOptions::on_round: if (checkpoints.Due(round)) checkpoints.Save(*round.model);
//
// Files are `grove-checkpoint.<i>`, i the 0-based index of the last round they hold, in grove's
// native JSON. Each is written to `<name>.sagemaker-ignore` (which SageMaker does not upload),
// flushed and renamed, so a reader sees whole files only. The newest kKeep are kept; a file
// SageMaker is still uploading (`<name>.sagemaker-uploading` without `.sagemaker-uploaded`) is
// left for a later pass. SageMaker copies the S3 checkpoints into the directory before a
// restarted job starts, which is how an interrupted spot job resumes.
#pragma once

#include <filesystem>
#include <optional>

#include "grove/model.h"
#include "grove/params.h"

namespace grove::cli {

class Checkpoints {
 public:
  static constexpr int kKeep = 5;

  Checkpoints(std::filesystem::path dir, int frequency);

  /// The newest checkpoint that loads and matches `params` (every hyperparameter except
  /// num_round, nthread, n_jobs and verbosity). A file that does not load or whose round count
  /// disagrees with its name is skipped with a log line. Throws InvalidInput when the newest
  /// loadable checkpoint was trained with other hyperparameters: continuing it would mix two
  /// jobs, starting over would silently discard it.
  std::optional<Model> LoadNewest(const TrainParams& params) const;

  /// True when round `iteration` (0-based) ends a checkpoint interval.
  bool Due(int iteration) const { return (iteration + 1) % frequency_ == 0; }
  /// Writes `model` (NumRounds() rounds) as grove-checkpoint.<NumRounds() - 1> and removes the
  /// oldest beyond kKeep. Throws IoError when the write fails.
  void Save(const Model& model) const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  int frequency_;
};

}  // namespace grove::cli
