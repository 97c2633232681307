#include "engine/src/forest.h"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <vector>

#include "engine/src/cuda_forest.h"
#include "engine/src/cuda_options.h"
#include "engine/src/data_checks.h"
#include "engine/src/forest_splitter.h"
#include "engine/src/objective.h"
#include "engine/src/quantize.h"
#include "engine/src/random.h"
#include "engine/src/tree_grower.h"
#include "grove/errors.h"
#include "grove/metrics.h"
#include "kernels/cuda/device.h"

namespace grove {
namespace {

// Classification labels must be class indices: scikit-learn accepts any labels, but grove's
// model stores classes by index (0/1 for binary:logistic, 0..num_class-1 for multi:*).
void CheckLabels(std::span<const float> labels, int classes, std::string_view set) {
  for (std::size_t r = 0; r < labels.size(); ++r) {
    const float y = labels[r];
    if (classes == 0) {
      if (!std::isfinite(y)) {
        throw InvalidInput(fmt::format("{}: label {} at row {} is not a finite number", set, y,
                                       r + 1));
      }
      continue;
    }
    if (!(y >= 0.0f && y < static_cast<float>(classes) && y == std::floor(y))) {
      throw InvalidInput(fmt::format(
          "{}: label {} at row {} is not a class index in [0, {}] (random forest "
          "classification needs labels 0..{}; encode other class labels as indices)",
          set, y, r + 1, classes - 1, classes - 1));
    }
  }
}

Criterion CriterionOf(const TrainParams& params) {
  const std::string c = params.EffectiveCriterion();
  if (c == "gini") return Criterion::kGini;
  if (c == "entropy" || c == "log_loss") return Criterion::kEntropy;
  return Criterion::kSquaredError;
}

// scikit-learn's "balanced" weights: n / (classes present x count of the class), from counts.
std::vector<double> BalancedWeights(const std::vector<double>& counts) {
  double n = 0.0;
  int present = 0;
  for (const double c : counts) {
    n += c;
    present += c > 0.0 ? 1 : 0;
  }
  std::vector<double> w(counts.size(), 0.0);
  for (std::size_t k = 0; k < counts.size(); ++k) {
    if (counts[k] > 0.0) w[k] = n / (present * counts[k]);
  }
  return w;
}

// Workspaces handed to one tree at a time (trees on the same thread reuse the buffers; a pool
// rather than thread-local storage, since a thread waiting inside a tree may start another).
class WorkspacePool {
 public:
  std::unique_ptr<ForestWorkspace> Take() {
    const std::lock_guard lock(mutex_);
    if (free_.empty()) return std::make_unique<ForestWorkspace>();
    std::unique_ptr<ForestWorkspace> w = std::move(free_.back());
    free_.pop_back();
    return w;
  }
  void Give(std::unique_ptr<ForestWorkspace> w) {
    const std::lock_guard lock(mutex_);
    free_.push_back(std::move(w));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<ForestWorkspace>> free_;
};

struct TreeOutput {
  Tree tree;
  std::vector<std::uint64_t> in_bag;  // one bit per row, only with oob_score
  bool done = false;
};

class ForestTrainer {
 public:
  ForestTrainer(const TrainParams& params, const DataSet& train, std::span<const EvalSet> evals,
                const TrainOptions& options)
      : params_(params), train_(train), evals_(evals), options_(options) {}

  Model Run() {
    params_.Validate();
    params_.ValidateCombination();
    ctx_ = params_.MakeContext();
    tbb::task_arena arena(ctx_.Threads());
    Model model;
    arena.execute([&] {
      Setup();
      GrowAll();
      model = Assemble();
      Report(model);
    });
    return model;
  }

 private:
  void Setup() {
    if (ctx_.device.IsCuda()) RequireCudaTraining(params_, cuda_impl::DeviceCount());
    const std::size_t n = train_.NumRows();
    if (n == 0) throw InvalidInput("train: the training data has no rows");
    if (n >= std::numeric_limits<std::uint32_t>::max()) {
      throw InvalidInput(fmt::format("train: {} rows; grove trains on fewer than 2^32 rows", n));
    }
    detail::CheckDataShape(train_, "train", train_.NumFeatures());
    criterion_ = CriterionOf(params_);
    classes_ = !params_.IsClassification() ? 0
               : params_.objective == "binary:logistic" ? 2
                                                        : params_.num_class.value_or(2);
    if (classes_ > NodeStats::kMaxChannels - 1) {
      throw InvalidInput(fmt::format(
          "num_class={}: random forests support at most {} classes", classes_,
          NodeStats::kMaxChannels - 1));
    }
    CheckLabels(train_.labels, classes_, "train");
    for (const EvalSet& set : evals_) {
      if (set.data == nullptr) throw InvalidInput(fmt::format("eval set {} has no data", set.name));
      detail::CheckDataShape(*set.data, set.name, train_.NumFeatures());
      CheckLabels(set.data->labels, classes_, set.name);
    }
    const auto rows = static_cast<std::int64_t>(n);
    max_features_ = params_.ResolveMaxFeatures(static_cast<int>(train_.NumFeatures()));
    min_samples_leaf_ = params_.ResolveMinSamplesLeaf(rows);
    min_samples_split_ = params_.ResolveMinSamplesSplit(rows);
    samples_per_tree_ = params_.bootstrap ? params_.ResolveMaxSamples(rows) : rows;

    const MatrixView view = MatrixView::Of(train_);
    cuts_ = BuildCuts(ctx_, view, train_.weights, params_.max_bin);
    bins_ = BinnedMatrix::Build(ctx_, view, cuts_);

    // Row weights before bootstrap: sample weight x class weight ("balanced" uses the whole
    // data's class counts; "balanced_subsample" is applied per tree).
    base_weight_.assign(n, 1.0);
    for (std::size_t r = 0; r < train_.weights.size(); ++r) base_weight_[r] = train_.weights[r];
    if (params_.class_weight == "balanced" ||
        (params_.class_weight == "balanced_subsample" && !params_.bootstrap)) {
      std::vector<double> counts(static_cast<std::size_t>(classes_), 0.0);
      for (const float y : train_.labels) counts[static_cast<std::size_t>(y)] += 1.0;
      const std::vector<double> cw = BalancedWeights(counts);
      for (std::size_t r = 0; r < n; ++r) {
        base_weight_[r] *= cw[static_cast<std::size_t>(train_.labels[r])];
      }
    }
    layout_.criterion = criterion_;
    layout_.classes = classes_;
    layout_.has_count = min_samples_leaf_ > 1;
    layout_.channels = (classes_ > 0 ? classes_ : 2) + (layout_.has_count ? 1 : 0);
    layout_.pairs = static_cast<std::size_t>((layout_.channels + 1) / 2);
  }

  void GrowAll() {
    const int trees = params_.n_estimators;
    outputs_.resize(static_cast<std::size_t>(trees));
    tree_ctx_ = ctx_;
    tree_ctx_.nthread = std::max(1, ctx_.Threads() / std::min(ctx_.Threads(), trees));
    try {
      if (ctx_.device.IsCuda()) {
        GrowOnDevice(trees);
        return;
      }
      tbb::parallel_for(0, trees, [&](int t) {
        if (Cancelled()) return;
        GrowTree(t);
      });
    } catch (const GrowCancelled&) {
      // The trees finished before the flag was seen are kept (see Assemble).
    }
  }

  bool Cancelled() const { return options_.cancel != nullptr && options_.cancel->load(); }

  // Multiplicity of each row in tree t's bootstrap sample (scikit-learn: randint(0, n, m)).
  std::vector<std::uint32_t> DrawCounts(int t) const {
    const std::size_t n = train_.NumRows();
    std::vector<std::uint32_t> counts(n, params_.bootstrap ? 0U : 1U);
    if (!params_.bootstrap) return counts;
    Random rng = Random::For(ctx_.seed, kStreamBootstrap, static_cast<std::uint64_t>(t));
    for (std::int64_t i = 0; i < samples_per_tree_; ++i) ++counts[rng.Below(n)];
    return counts;
  }

  // Everything tree t is grown from: its in-bag rows and weights, their fixed-point channel
  // values and scales, its rules and random stream. On the heap: layout.quantizers points into
  // quantizers.
  struct TreeJob {
    std::vector<double> weight;
    std::vector<std::uint32_t> rows;
    std::vector<GradientQuantizer> quantizers;
    std::vector<GradientSum> fixed;
    ImpurityLayout layout;
    ForestSplitRules rules;
    GrowerParams grower;
    std::uint64_t stream = 0;
  };

  // Tree t's job (and its in-bag bits for the out-of-bag score): a function of t alone.
  std::unique_ptr<TreeJob> PrepareTree(int t) {
    auto job = std::make_unique<TreeJob>();
    const std::size_t n = train_.NumRows();
    const std::vector<std::uint32_t> counts = DrawCounts(t);
    std::vector<double> class_weight;
    if (params_.class_weight == "balanced_subsample" && params_.bootstrap) {
      std::vector<double> per_class(static_cast<std::size_t>(classes_), 0.0);
      for (std::size_t r = 0; r < n; ++r) {
        per_class[static_cast<std::size_t>(train_.labels[r])] += counts[r];
      }
      class_weight = BalancedWeights(per_class);
    }
    // In-bag weights, and the rows the tree grows on (zero-weight rows never enter a tree).
    std::vector<double>& weight = job->weight;
    std::vector<std::uint32_t>& rows = job->rows;
    weight.assign(n, 0.0);
    for (std::size_t r = 0; r < n; ++r) {
      if (counts[r] == 0) continue;
      double w = base_weight_[r] * counts[r];
      if (!class_weight.empty()) w *= class_weight[static_cast<std::size_t>(train_.labels[r])];
      if (!(w > 0.0)) continue;
      weight[r] = w;
      rows.push_back(static_cast<std::uint32_t>(r));
    }
    TreeOutput& out = outputs_[static_cast<std::size_t>(t)];
    if (params_.oob_score) {
      out.in_bag.assign((n + 63) / 64, 0);
      for (std::size_t r = 0; r < n; ++r) {
        if (counts[r] != 0) out.in_bag[r / 64] |= std::uint64_t{1} << (r % 64);
      }
    }
    if (rows.empty()) {
      throw InvalidInput(fmt::format(
          "tree {}: every row drawn for it has weight 0; give positive sample weights", t));
    }
    job->fixed = Quantize(ChannelValues(weight), rows.size(), job->quantizers);
    job->layout = layout_;
    job->layout.quantizers = job->quantizers;

    double total_weight = 0.0;
    for (const std::uint32_t r : rows) total_weight += weight[r];
    ForestSplitRules& rules = job->rules;
    rules.min_samples_split = min_samples_split_;
    rules.min_weight_leaf = params_.min_weight_fraction_leaf * total_weight;
    rules.min_impurity_decrease = params_.min_impurity_decrease;
    rules.total_weight = total_weight;
    rules.max_features = max_features_;
    rules.leaf.min_leaf_count = static_cast<double>(min_samples_leaf_);
    rules.leaf.min_leaf_weight = rules.min_weight_leaf;

    GrowerParams& grower = job->grower;
    grower.split.min_split_loss = -std::numeric_limits<double>::infinity();
    grower.max_depth = params_.EffectiveMaxDepth();
    grower.max_leaves = params_.max_leaf_nodes.value_or(0);
    grower.lossguide = params_.max_leaf_nodes.has_value();
    job->stream = Random::For(ctx_.seed, kStreamByNode, static_cast<std::uint64_t>(t)).Next();
    return job;
  }

  // Grows tree t on the CPU.
  void GrowTree(int t) {
    const std::unique_ptr<TreeJob> job = PrepareTree(t);
    std::unique_ptr<ForestWorkspace> workspace = workspaces_.Take();
    ForestSplitter splitter(tree_ctx_, bins_, job->layout, job->fixed, train_.labels, job->rules,
                            job->stream, *workspace);
    const TreeGrower grower(tree_ctx_, bins_, job->grower);
    GrowResult grown = grower.Grow(splitter, std::move(job->rows), options_.cancel);
    workspaces_.Give(std::move(workspace));
    FinishTree(t, *job, grown);
  }

  // Grows every tree on the GPU, one after another on its stream (the same trees as GrowTree).
  // The host prepares tree t + 1 (bootstrap draw, weights, quantization: sequential in the
  // random stream) while the device grows tree t.
  void GrowOnDevice(int trees) {
    CudaForestSession device(ctx_, bins_, train_.labels, layout_, max_features_);
    std::unique_ptr<TreeJob> next = PrepareTree(0);
    for (int t = 0; t < trees && !Cancelled(); ++t) {
      const std::unique_ptr<TreeJob> job = std::move(next);
      tbb::task_group prepare;
      if (t + 1 < trees) prepare.run([&, t] { next = PrepareTree(t + 1); });
      try {
        GrowResult grown = device.GrowTree(job->grower, job->layout, job->rules, job->stream,
                                           job->fixed, std::move(job->rows), options_.cancel);
        FinishTree(t, *job, grown);
      } catch (...) {
        prepare.wait();  // may throw its own error instead
        throw;
      }
      prepare.wait();
    }
  }

  void FinishTree(int t, const TreeJob& job, GrowResult& grown) {
    FillValues(grown, job.weight);
    TreeOutput& out = outputs_[static_cast<std::size_t>(t)];
    out.tree = std::move(grown.tree);
    out.done = true;
  }

  // Row-major n x channels: class weights (or w*y, w), then the row count when needed.
  std::vector<double> ChannelValues(const std::vector<double>& weight) const {
    const std::size_t n = weight.size();
    const auto c = static_cast<std::size_t>(layout_.channels);
    std::vector<double> values(n * c, 0.0);
    for (std::size_t r = 0; r < n; ++r) {
      if (weight[r] == 0.0) continue;
      double* v = values.data() + r * c;
      if (classes_ > 0) {
        v[static_cast<std::size_t>(train_.labels[r])] = weight[r];
      } else {
        v[0] = weight[r] * train_.labels[r];
        v[1] = weight[r];
      }
      if (layout_.has_count) v[c - 1] = 1.0;
    }
    return values;
  }

  // Fixed point, one scale per channel (GradientQuantizer: no overflow for `rows` rows).
  std::vector<GradientSum> Quantize(const std::vector<double>& values, std::size_t rows,
                                    std::vector<GradientQuantizer>& quantizers) const {
    const auto c = static_cast<std::size_t>(layout_.channels);
    const std::size_t pairs = layout_.pairs;
    const std::size_t n = values.size() / c;
    std::vector<double> max_abs(pairs * 2, 0.0);
    for (std::size_t i = 0; i < values.size(); ++i) {
      max_abs[i % c] = std::max(max_abs[i % c], std::abs(values[i]));
    }
    quantizers.clear();
    for (std::size_t p = 0; p < pairs; ++p) {
      quantizers.push_back(GradientQuantizer::ForRound(max_abs[2 * p], max_abs[2 * p + 1], rows));
    }
    std::vector<GradientSum> fixed(n * pairs);
    for (std::size_t r = 0; r < n; ++r) {
      for (std::size_t k = 0; k < c; ++k) {
        const double v = values[r * c + k];
        if (v == 0.0) continue;
        const GradientQuantizer& q = quantizers[k / 2];
        GradientSum& s = fixed[r * pairs + k / 2];
        // A positive value never rounds to 0, so every in-bag row has a non-zero weight channel
        // and a bin's sums are non-zero exactly when a row fell in it: the CPU's touched bitmap,
        // its block-parallel build (which tests the sums) and the GPU then agree on empty bins.
        std::int64_t units = std::llrint(v * (k % 2 == 0 ? q.grad_scale : q.hess_scale));
        if (units == 0 && v > 0.0) units = 1;
        (k % 2 == 0 ? s.grad : s.hess) = units;
      }
    }
    return fixed;
  }

  // Leaf (and split-node) values from the in-bag rows, in double: class probabilities or the
  // weighted mean; sum_hessian = the node's in-bag weight.
  void FillValues(GrowResult& grown, const std::vector<double>& weight) const {
    Tree& tree = grown.tree;
    const std::size_t nodes = tree.NumNodes();
    const std::size_t width = classes_ > 0 ? static_cast<std::size_t>(classes_) : 2;
    std::vector<double> stats(nodes * width, 0.0);
    for (const LeafRows& leaf : grown.leaves) {
      double* s = stats.data() + static_cast<std::size_t>(leaf.node) * width;
      for (std::size_t k = leaf.begin; k < leaf.end; ++k) {
        const std::uint32_t r = grown.rows[k];
        if (classes_ > 0) {
          s[static_cast<std::size_t>(train_.labels[r])] += weight[r];
        } else {
          s[0] += weight[r] * train_.labels[r];
          s[1] += weight[r];
        }
      }
    }
    // Children have larger indices than their parent (Tree::Split appends them).
    for (std::size_t i = nodes; i-- > 1;) {
      const auto parent = static_cast<std::size_t>(tree.parent[i]);
      for (std::size_t k = 0; k < width; ++k) stats[parent * width + k] += stats[i * width + k];
    }
    if (classes_ > 2) {
      tree.leaf_size = static_cast<std::uint32_t>(classes_);
      tree.leaf_vector.assign(nodes * width, 0.0f);
    }
    for (std::size_t i = 0; i < nodes; ++i) {
      const double* s = stats.data() + i * width;
      const double total = classes_ > 0 ? std::accumulate(s, s + width, 0.0) : s[1];
      tree.sum_hessian[i] = static_cast<float>(total);
      if (!(total > 0.0)) continue;
      if (classes_ == 0) {
        tree.value[i] = static_cast<float>(s[0] / total);
      } else if (classes_ == 2) {
        tree.value[i] = static_cast<float>(s[1] / total);
      } else {
        for (std::size_t k = 0; k < width; ++k) {
          tree.leaf_vector[i * width + k] = static_cast<float>(s[k] / total);
        }
      }
    }
  }

  Model Assemble() {
    Model model;
    model.params = params_;
    model.schema = train_.schema;
    model.num_outputs = classes_ > 2 ? classes_ : 1;
    model.num_features = static_cast<std::int32_t>(train_.NumFeatures());
    model.trees_per_round = 1;
    model.base_margin.assign(static_cast<std::size_t>(model.num_outputs), 0.0f);
    // Keep the trees grown before a cancellation: the longest run of finished trees.
    std::size_t kept = 0;
    while (kept < outputs_.size() && outputs_[kept].done) ++kept;
    std::vector<std::uint64_t> in_bag;
    for (std::size_t t = 0; t < kept; ++t) {
      model.trees.push_back(std::move(outputs_[t].tree));
      model.tree_group.push_back(0);
      in_bag.insert(in_bag.end(), outputs_[t].in_bag.begin(), outputs_[t].in_bag.end());
    }
    if (params_.oob_score && kept > 0) {
      model.oob_score = detail::OutOfBagScore(model, MatrixView::Of(train_), train_.labels,
                                              in_bag, ctx_.Threads());
    }
    return model;
  }

  // One RoundInfo after the whole forest: every eval set's metrics (on probabilities or
  // means), then the out-of-bag score as set "oob", metric "oob_score".
  void Report(const Model& model) {
    if (!options_.on_round || model.trees.empty()) return;
    RoundInfo round;
    round.iteration = static_cast<int>(model.trees.size()) - 1;
    round.model = &model;
    std::vector<std::string> names = params_.eval_metric;
    if (names.empty()) names.push_back(Objective::Create(params_)->DefaultMetric());
    PredictOptions predict;
    predict.type = PredictType::kMargin;  // forests: averaged probabilities / means
    predict.nthread = ctx_.Threads();
    for (const EvalSet& set : evals_) {
      const std::vector<float> p = set.data->IsDense() ? model.Predict(set.data->Dense(), predict)
                                                       : model.Predict(set.data->Sparse(), predict);
      MetricInput input;
      input.predictions = p;
      input.labels = set.data->labels;
      input.weights = set.data->weights;
      input.num_outputs = static_cast<std::size_t>(model.num_outputs);
      for (const std::string& name : names) {
        round.results.push_back(EvalResult{set.name, name, CreateMetric(name)->Evaluate(input)});
      }
    }
    if (model.oob_score.has_value()) {
      round.results.push_back(EvalResult{"oob", "oob_score", *model.oob_score});
    }
    options_.on_round(round);
  }

  const TrainParams& params_;
  const DataSet& train_;
  std::span<const EvalSet> evals_;
  const TrainOptions& options_;
  Context ctx_;
  Context tree_ctx_;
  Criterion criterion_ = Criterion::kGini;
  int classes_ = 0;
  int max_features_ = 1;
  std::int64_t min_samples_leaf_ = 1;
  std::int64_t min_samples_split_ = 2;
  std::int64_t samples_per_tree_ = 0;
  HistogramCuts cuts_;
  BinnedMatrix bins_;
  std::vector<double> base_weight_;
  ImpurityLayout layout_;
  std::vector<TreeOutput> outputs_;
  WorkspacePool workspaces_;
};

}  // namespace

Model TrainForest(const TrainParams& params, const DataSet& train, std::span<const EvalSet> evals,
                  const TrainOptions& options) {
  ForestTrainer trainer(params, train, evals, options);
  return trainer.Run();
}

}  // namespace grove
