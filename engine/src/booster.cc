#include "engine/src/booster.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "engine/src/cuda_options.h"
#include "engine/src/data_checks.h"
#include "engine/src/forest.h"
#include "engine/src/predict_views.h"
#include "engine/src/random.h"
#include "engine/src/tree_grower.h"
#include "grove/errors.h"
#include "kernels/cuda/device.h"

namespace grove {
namespace {

// The objective's label check, its message and error prefixed with the set's name as the
// other data checks are.
void CheckLabels(const Objective& objective, std::span<const float> labels,
                 std::string_view set) {
  try {
    objective.CheckLabels(labels);
  } catch (const LabelError& e) {
    throw LabelError(fmt::format("{}: {}", set, e.what()), std::string(set), e.row());
  }
}

// Largest |grad| and |hess| of one output's gradients (they choose the fixed-point scale).
struct GradientMaxima {
  float grad = 0.0f;
  float hess = 0.0f;
};

}  // namespace

Booster::Booster(const TrainParams& params, const DataSet& train, std::span<const EvalSet> evals,
                 const TrainOptions& options)
    : params_(params), train_(train), evals_(evals), options_(options) {}

Model Booster::Run() {
  params_.Validate();
  params_.ValidateCombination();
  ctx_ = params_.MakeContext();
  tbb::task_arena arena(ctx_.Threads());
  Model result;
  arena.execute([&] {
    Setup();
    InitMargins();
    // A model resumed after early stopping ended its training: going on would add the round
    // an uninterrupted run never trained.
    const bool stopped_early = params_.early_stopping_rounds.has_value() && best_round_ >= 0 &&
                               start_round_ - 1 - best_round_ >= *params_.early_stopping_rounds;
    const int first_round = stopped_early ? params_.num_round : start_round_;
    for (int iteration = first_round; iteration < params_.num_round; ++iteration) {
      if (options_.cancel != nullptr && options_.cancel->load()) break;
      if (!TrainRound(iteration)) break;
      RoundInfo round = Evaluate(iteration);
      const bool stop_early = UpdateEarlyStopping(round);
      round.model = &model_;
      if (options_.on_round && !options_.on_round(round)) break;
      if (stop_early) break;
    }
    result = std::move(model_);
  });
  return result;
}

void Booster::Setup() {
  if (params_.IsForest()) {
    throw InvalidInput(
        "algorithm=random_forest: grove::Train trains gradient-boosted trees; forests are "
        "trained by the forest trainer (set algorithm=gbdt here)");
  }
  if (ctx_.device.IsCuda()) RequireCudaTraining(params_, cuda_impl::DeviceCount());
  if (train_.NumRows() == 0) throw InvalidInput("train: the training data has no rows");
  detail::CheckDataShape(train_, "train", train_.NumFeatures());
  objective_ = Objective::Create(params_);
  CheckLabels(*objective_, train_.labels, "train");
  num_outputs_ = objective_->NumOutputs();
  for (const EvalSet& set : evals_) {
    if (set.data == nullptr) throw InvalidInput(fmt::format("eval set {} has no data", set.name));
    detail::CheckDataShape(*set.data, set.name, train_.NumFeatures());
    if (set.data != &train_) CheckLabels(*objective_, set.data->labels, set.name);
  }
  if (params_.objective == "multi:softmax") {
    TrainParams probabilities = params_;
    probabilities.objective = "multi:softprob";
    eval_objective_ = Objective::Create(probabilities);
  }
  std::vector<std::string> names = params_.eval_metric;
  if (names.empty()) names.push_back(objective_->DefaultMetric());
  for (const std::string& name : names) metrics_.push_back(CreateMetric(name));

  const MatrixView view = MatrixView::Of(train_);
  cuts_ = BuildCuts(ctx_, view, train_.weights, params_.max_bin);
  bins_ = BinnedMatrix::Build(ctx_, view, cuts_);

  if (options_.resume != nullptr) {
    model_ = *options_.resume;
    if (model_.num_outputs != num_outputs_ ||
        model_.num_features != static_cast<std::int32_t>(train_.NumFeatures()) ||
        model_.params.objective != params_.objective ||
        model_.params.num_parallel_tree != params_.num_parallel_tree) {
      throw InvalidInput(
          "cannot resume: the saved model's objective, classes, features or num_parallel_tree "
          "differ from this job's; start without the checkpoint or use the original settings");
    }
    start_round_ = model_.NumRounds();
    best_round_ = model_.best_iteration;
    best_score_ = model_.best_score;
  } else {
    model_.schema = train_.schema;
    model_.num_outputs = num_outputs_;
    model_.num_features = static_cast<std::int32_t>(train_.NumFeatures());
    std::vector<float> base;
    if (params_.base_score.has_value()) {
      base.assign(num_outputs_, static_cast<float>(*params_.base_score));
    } else {
      base = objective_->EstimateBaseScore(ctx_, train_.labels, train_.weights);
    }
    for (const float b : base) model_.base_margin.push_back(objective_->ProbToMargin(b));
  }
  model_.params = params_;
  model_.trees_per_round = num_outputs_ * params_.num_parallel_tree;
}

void Booster::InitMargins() {
  PredictOptions margin_options;
  margin_options.type = PredictType::kMargin;
  margin_options.use_best_iteration = false;
  margin_options.nthread = ctx_.Threads();
  const auto initial = [&](const DataSet& data) {
    if (!model_.trees.empty()) {
      return data.IsDense() ? model_.Predict(data.Dense(), margin_options)
                            : model_.Predict(data.Sparse(), margin_options);
    }
    std::vector<float> margins(data.NumRows() * num_outputs_);
    for (std::size_t i = 0; i < margins.size(); ++i) {
      margins[i] = model_.base_margin[i % num_outputs_];
    }
    return margins;
  };
  train_margins_ = initial(train_);
  for (const EvalSet& set : evals_) {
    EvalCache cache;
    cache.name = set.name;
    cache.data = set.data;
    cache.view = MatrixView::Of(*set.data);
    cache.is_train = set.data == &train_;
    cache.groups = set.data->GroupPointers();
    if (!cache.is_train) cache.margins = initial(*set.data);
    eval_caches_.push_back(std::move(cache));
  }
  if (ctx_.device.IsCuda()) {  // gradients, caches and metrics live on the device
    StartDevice();
    return;
  }
  gradients_.resize(train_margins_.size());
}

bool Booster::TrainRound(int iteration) {
  if (cuda_) {
    cuda_->ComputeGradients();
  } else {
    objective_->Gradients(ctx_, train_margins_, train_.labels, train_.weights, gradients_);
  }
  const std::size_t trees_before = model_.trees.size();
  try {
    for (int output = 0; output < num_outputs_; ++output) {
      for (int p = 0; p < params_.num_parallel_tree; ++p) GrowTree(iteration, output, p);
    }
  } catch (const GrowCancelled&) {
    model_.trees.resize(trees_before);
    model_.tree_group.resize(trees_before);
    return false;
  }
  return true;
}

void Booster::GrowTree(int iteration, int output, int parallel_index) {
  if (cuda_) {
    GrowTreeOnDevice(iteration, output, parallel_index);  // booster_cuda.cc
    return;
  }
  const std::size_t n = train_.NumRows();
  const auto tree_index = static_cast<std::uint64_t>(output * params_.num_parallel_tree +
                                                     parallel_index);
  const auto seed = static_cast<std::uint64_t>(ctx_.seed);
  const auto round = static_cast<std::uint64_t>(iteration);

  // The row list is the previous tree's buffer, refilled (no fresh pages every tree).
  std::vector<std::uint32_t> rows = std::move(row_buffer_);
  rows.clear();
  std::vector<std::uint8_t> in_sample;
  if (params_.subsample < 1.0) {
    const std::uint64_t key = Random::For(seed, kStreamRowSample, round, tree_index).Next();
    in_sample.assign(n, 0);
    for (std::size_t r = 0; r < n; ++r) {
      if (Random::UniformAt(key, r) < params_.subsample) {
        rows.push_back(static_cast<std::uint32_t>(r));
        in_sample[r] = 1;
      }
    }
  } else {
    rows.resize(n);
    std::iota(rows.begin(), rows.end(), 0U);
  }
  std::vector<std::uint32_t> all_features(train_.NumFeatures());
  std::iota(all_features.begin(), all_features.end(), 0U);
  const std::vector<std::uint32_t> tree_features = SampleFeatures(
      all_features, params_.colsample_bytree, Random::For(seed, kStreamByTree, round, tree_index));

  // Fixed-point gradients of this output; the scale depends only on this round's values.
  // (A maximum does not depend on the order it is taken in: any thread count agrees.)
  const GradientMaxima maxima = tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, n, 16384), GradientMaxima{},
      [&](const tbb::blocked_range<std::size_t>& range, GradientMaxima m) {
        for (std::size_t r = range.begin(); r < range.end(); ++r) {
          const GradientPair& g = gradients_[r * num_outputs_ + output];
          m.grad = std::max(m.grad, std::abs(g.grad));
          m.hess = std::max(m.hess, std::abs(g.hess));
        }
        return m;
      },
      [](GradientMaxima a, const GradientMaxima& b) {
        return GradientMaxima{std::max(a.grad, b.grad), std::max(a.hess, b.hess)};
      });
  const GradientQuantizer quantizer = GradientQuantizer::ForRound(maxima.grad, maxima.hess, n);
  fixed_.resize(n);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 16384),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t r = range.begin(); r < range.end(); ++r) {
                        fixed_[r] = quantizer.ToFixed(gradients_[r * num_outputs_ + output]);
                      }
                    });
  const std::span<const GradientSum> fixed = fixed_;

  const GrowerParams grower_params = MakeGrowerParams();
  const TreeGrower grower(ctx_, bins_, grower_params, &histograms_);
  const std::uint64_t stream = Random::For(seed, kStreamByNode, round, tree_index).Next();
  GrowResult grown = grower.Grow(fixed, quantizer, std::move(rows), tree_features, stream,
                                 options_.cancel);

  if (objective_->HasAdaptiveLeaves()) {
    std::vector<float> column(n);
    for (std::size_t r = 0; r < n; ++r) column[r] = train_margins_[r * num_outputs_ + output];
    for (const LeafRows& leaf : grown.leaves) {
      const auto leaf_rows = std::span(grown.rows).subspan(leaf.begin, leaf.end - leaf.begin);
      // Scaled by eta as XGBoost >= 2 does (1.7 left it unscaled); a leaf whose rows all have
      // zero weight has no quantile and keeps its gradient-based value.
      const float quantile =
          objective_->AdaptiveLeafValue(leaf_rows, column, train_.labels, train_.weights);
      if (!std::isnan(quantile)) {
        grown.tree.value[leaf.node] = static_cast<float>(params_.eta * quantile);
      }
    }
  }

  // Prediction caches: training rows by their leaf ranges, the rest by binned traversal.
  const Tree& tree = grown.tree;
  tbb::parallel_for(std::size_t{0}, grown.leaves.size(), [&](std::size_t i) {
    const LeafRows& leaf = grown.leaves[i];
    const float value = tree.value[leaf.node];
    for (std::size_t k = leaf.begin; k < leaf.end; ++k) {
      train_margins_[static_cast<std::size_t>(grown.rows[k]) * num_outputs_ + output] += value;
    }
  });
  if (!in_sample.empty()) {
    tbb::parallel_for(std::size_t{0}, n, [&](std::size_t r) {
      if (in_sample[r] != 0) return;
      train_margins_[r * num_outputs_ + output] +=
          tree.value[grown.LeafOfBinnedRow(bins_, r)];
    });
  }
  for (EvalCache& cache : eval_caches_) {
    if (!cache.is_train) {
      AddTreeMargins(tree, cache.view, output, num_outputs_, ctx_.Threads(), cache.margins);
    }
  }
  model_.trees.push_back(std::move(grown.tree));
  model_.tree_group.push_back(output);
  row_buffer_ = std::move(grown.rows);
}

GrowerParams Booster::MakeGrowerParams() const {
  GrowerParams grower_params;
  grower_params.split.lambda = params_.lambda;
  grower_params.split.alpha = params_.alpha;
  grower_params.split.min_child_weight = params_.min_child_weight;
  // XGBoost caps count:poisson's leaf weights at 0.7 unless max_delta_step is set.
  grower_params.split.max_delta_step = params_.max_delta_step > 0.0
                                           ? params_.max_delta_step
                                           : objective_->DefaultMaxDeltaStep();
  grower_params.split.min_split_loss = params_.gamma;
  grower_params.max_depth = params_.EffectiveMaxDepth();
  grower_params.max_leaves = params_.max_leaves;
  grower_params.lossguide = params_.grow_policy == "lossguide";
  grower_params.eta = params_.eta;
  grower_params.colsample_bylevel = params_.colsample_bylevel;
  grower_params.colsample_bynode = params_.colsample_bynode;
  for (std::size_t f = 0; f < train_.NumFeatures(); ++f) {
    const int c = f < params_.monotone_constraints.size() ? params_.monotone_constraints[f] : 0;
    grower_params.monotone.push_back(static_cast<std::int8_t>(c));
  }
  for (const auto& set : params_.interaction_constraints) {
    grower_params.interaction_sets.emplace_back(set.begin(), set.end());
  }
  return grower_params;
}

RoundInfo Booster::Evaluate(int iteration) {
  RoundInfo round;
  round.iteration = iteration;
  if (cuda_eval_) {  // device=cuda: caches and metrics on the device
    round.results = cuda_eval_->Evaluate();
    return round;
  }
  const Objective& transform = eval_objective_ ? *eval_objective_ : *objective_;
  for (EvalCache& cache : eval_caches_) {
    std::vector<float> outputs = cache.is_train ? train_margins_ : cache.margins;
    transform.Transform(ctx_, outputs);
    MetricInput input;
    input.predictions = outputs;
    input.labels = cache.data->labels;
    input.weights = cache.data->weights;
    input.groups = cache.groups;
    input.num_outputs = static_cast<std::size_t>(num_outputs_);
    for (const auto& metric : metrics_) {
      round.results.push_back(EvalResult{cache.name, metric->Name(), metric->Evaluate(input)});
    }
  }
  return round;
}

bool Booster::UpdateEarlyStopping(const RoundInfo& round) {
  if (!params_.early_stopping_rounds.has_value() || round.results.empty()) return false;
  const double value = round.results.back().value;
  const bool maximize = metrics_.back()->HigherIsBetter();
  const bool improved = best_round_ < 0 || (maximize ? value > best_score_ : value < best_score_);
  if (improved) {
    best_score_ = value;
    best_round_ = round.iteration;
  }
  model_.best_iteration = best_round_;
  model_.best_score = best_score_;
  return round.iteration - best_round_ >= *params_.early_stopping_rounds;
}

void CheckLabels(const TrainParams& params, std::span<const float> labels, std::string_view set) {
  CheckLabels(*Objective::Create(params), labels, set);
}

Model Train(const TrainParams& params, const DataSet& train, std::span<const EvalSet> evals,
            const TrainOptions& options) {
  if (params.IsForest()) return TrainForest(params, train, evals, options);
  Booster booster(params, train, evals, options);
  return booster.Run();
}

}  // namespace grove
