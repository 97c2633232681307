// Booster::GrowTreeOnDevice: Booster::GrowTree for device=cuda. The tree's random draws (row
// sample key, colsample_bytree, the column-sampling stream) are GrowTree's, from the same
// streams; the tree grows on the device session, which also holds the training cache. Adaptive
// leaves (reg:absoluteerror) are recomputed on the host from the row index and margins copied
// back, with the CPU path's code and inputs. The eval sets' caches and metrics are on the
// device too (CudaEvaluator).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/src/booster.h"
#include "engine/src/predict_views.h"
#include "engine/src/random.h"

namespace grove {

void Booster::StartDevice() {
  std::vector<CudaEvalInput> sets;
  for (const EvalCache& cache : eval_caches_) {
    sets.push_back(CudaEvalInput{cache.name, cache.data, cache.is_train,
                                 cache.is_train ? std::span<const float>(train_margins_)
                                                : std::span<const float>(cache.margins),
                                 cache.groups});
  }
  cuda_ = std::make_unique<CudaSession>(ctx_, params_, bins_, train_, train_margins_, num_outputs_,
                                        EvalFootprintOf(sets, metrics_));
  const Objective& transform = eval_objective_ ? *eval_objective_ : *objective_;
  cuda_eval_ = std::make_unique<CudaEvaluator>(*cuda_, ctx_, transform, ObjectiveMathOf(params_),
                                               num_outputs_, metrics_, sets);
  // The device holds the caches now; the host copies of the eval sets' margins are not used.
  for (EvalCache& cache : eval_caches_) std::vector<float>().swap(cache.margins);
}

void Booster::GrowTreeOnDevice(int iteration, int output, int parallel_index) {
  const auto tree_index =
      static_cast<std::uint64_t>(output * params_.num_parallel_tree + parallel_index);
  const auto seed = static_cast<std::uint64_t>(ctx_.seed);
  const auto round = static_cast<std::uint64_t>(iteration);
  std::uint64_t row_key = 0;
  if (params_.subsample < 1.0) {
    row_key = Random::For(seed, kStreamRowSample, round, tree_index).Next();
  }
  std::vector<std::uint32_t> all_features(train_.NumFeatures());
  std::iota(all_features.begin(), all_features.end(), 0U);
  const std::vector<std::uint32_t> tree_features = SampleFeatures(
      all_features, params_.colsample_bytree, Random::For(seed, kStreamByTree, round, tree_index));
  const std::uint64_t stream = Random::For(seed, kStreamByNode, round, tree_index).Next();

  CudaGrowResult grown = cuda_->GrowTree(MakeGrowerParams(), output, params_.subsample, row_key,
                                         tree_features, stream, options_.cancel);
  if (objective_->HasAdaptiveLeaves()) {
    // GrowTree's adaptive leaves: each leaf's in-sample rows (ascending, as the CPU's stable
    // partition leaves them) and this output's margins before the tree.
    std::vector<std::uint32_t> rows;
    cuda_->CopyRowIndex(rows);
    cuda_->CopyMargins(train_margins_);
    const std::size_t n = train_.NumRows();
    std::vector<float> column(n);
    for (std::size_t r = 0; r < n; ++r) column[r] = train_margins_[r * num_outputs_ + output];
    std::vector<std::uint32_t> leaf_rows;
    for (const LeafRows& leaf : grown.leaves) {
      leaf_rows.assign(rows.begin() + static_cast<std::ptrdiff_t>(leaf.begin),
                       rows.begin() + static_cast<std::ptrdiff_t>(leaf.end));
      if (params_.subsample < 1.0) {
        std::erase_if(leaf_rows, [&](std::uint32_t r) {
          return !(Random::UniformAt(row_key, r) < params_.subsample);
        });
      }
      const float quantile =
          objective_->AdaptiveLeafValue(leaf_rows, column, train_.labels, train_.weights);
      if (!std::isnan(quantile)) {
        grown.tree.value[leaf.node] = static_cast<float>(params_.eta * quantile);
      }
    }
  }
  cuda_->AddToMargins(grown, output);
  cuda_eval_->AddTree(grown.tree, output);
  model_.trees.push_back(std::move(grown.tree));
  model_.tree_group.push_back(output);
}

}  // namespace grove
