// engine/src/booster.h — the gradient-boosting round loop behind grove::Train.
//
// One Booster per Train call: it quantizes the training data once, keeps the training and
// eval-set margins as prediction caches (each new tree's leaf values are added to them; no
// tree is re-traversed for training rows), and per round computes gradients, grows
// num_class x num_parallel_tree trees, evaluates the metrics and applies early stopping.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/src/cuda_eval.h"
#include "engine/src/cuda_session.h"
#include "engine/src/matrix_view.h"
#include "engine/src/objective.h"
#include "engine/src/quantize.h"
#include "engine/src/tree_grower.h"
#include "grove/metrics.h"
#include "grove/train.h"

namespace grove {

class Booster {
 public:
  Booster(const TrainParams& params, const DataSet& train, std::span<const EvalSet> evals,
          const TrainOptions& options);
  Model Run();

 private:
  struct EvalCache {
    std::string name;
    const DataSet* data = nullptr;
    MatrixView view;
    std::vector<float> margins;  // rows x outputs; unused when the set is the training data
    std::vector<std::uint32_t> groups;
    bool is_train = false;
  };

  void Setup();
  void InitMargins();
  /// Grows the trees of round `iteration`; false when cancelled (the round is dropped).
  bool TrainRound(int iteration);
  void GrowTree(int iteration, int output, int parallel_index);
  /// GrowTree for device=cuda, on the device session (booster_cuda.cc).
  void GrowTreeOnDevice(int iteration, int output, int parallel_index);
  /// device=cuda: the session and the evaluator, from the host caches (booster_cuda.cc).
  void StartDevice();
  GrowerParams MakeGrowerParams() const;
  RoundInfo Evaluate(int iteration);
  /// Early stopping bookkeeping; true when training should stop after this round.
  bool UpdateEarlyStopping(const RoundInfo& round);

  const TrainParams& params_;
  const DataSet& train_;
  std::span<const EvalSet> evals_;
  const TrainOptions& options_;
  Context ctx_;
  std::unique_ptr<Objective> objective_;
  std::unique_ptr<Objective> eval_objective_;  // multi:softmax evaluates on probabilities
  std::vector<std::unique_ptr<Metric>> metrics_;
  HistogramCuts cuts_;
  BinnedMatrix bins_;
  Model model_;
  std::vector<float> train_margins_;
  std::vector<EvalCache> eval_caches_;
  std::vector<GradientPair> gradients_;
  std::vector<GradientSum> fixed_;         // this tree's fixed-point gradients (reused)
  std::vector<std::uint32_t> row_buffer_;  // the last tree's row list, refilled by the next
  HistogramPool histograms_;               // lent to every tree's grower
  std::vector<std::uint32_t> groups_;
  std::unique_ptr<CudaSession> cuda_;  // device=cuda: the job's data on the GPU
  std::unique_ptr<CudaEvaluator> cuda_eval_;  // device=cuda: the eval sets and metrics there
  int num_outputs_ = 1;
  int start_round_ = 0;
  double best_score_ = 0.0;
  int best_round_ = -1;
};

}  // namespace grove
