// What the XGBoost export writes, decided before any text is produced: refusals, the rounds
// kept, the intercept, forest leaf scaling and node numbering (see xgboost_format.h).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "engine/src/forest_average.h"
#include "engine/src/xgboost_format.h"
#include "grove/errors.h"

namespace grove::detail {

namespace {

constexpr std::string_view kExportable[] = {
    "reg:squarederror", "reg:squaredlogerror", "reg:logistic",   "reg:pseudohubererror",
    "reg:absoluteerror", "reg:gamma",          "reg:tweedie",    "count:poisson",
    "binary:logistic",   "binary:logitraw",    "binary:hinge",   "multi:softmax",
    "multi:softprob"};

[[noreturn]] void Refuse(std::string_view why) {
  throw InvalidInput(fmt::format("cannot export this model as XGBoost JSON: {}", why));
}

// A neutral base_score: its margin under the link is exactly 0 (-logf(1/0.5 - 1) = -0,
// logf(1) = 0), so XGBoost's first addition returns the first leaf unchanged.
std::string_view NeutralBaseScore(XGBoostLink link) {
  switch (link) {
    case XGBoostLink::kLogit:
      return "5E-1";
    case XGBoostLink::kLog:
      return "1E0";
    case XGBoostLink::kIdentity:
      break;
  }
  return "0E0";
}

// XGBoost's predictors step from a split node to left + 1 for the right child (format doc
// section 5), so a tree whose children are not numbered that way is renumbered breadth-first,
// allocating both children of a node together. Unreachable nodes are dropped then too. A tree
// that already fits keeps its numbering, so leaf indices (PredictType::kLeaf) stay the same.
std::vector<std::int32_t> NodeOrder(const Tree& tree) {
  std::vector<std::int32_t> order;
  order.reserve(tree.NumNodes());
  order.push_back(0);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto node = static_cast<std::size_t>(order[i]);
    if (tree.IsLeaf(node)) continue;
    order.push_back(tree.left[node]);
    order.push_back(tree.right[node]);
  }
  bool fits = order.size() == tree.NumNodes();
  for (std::size_t node = 0; fits && node < tree.NumNodes(); ++node) {
    fits = tree.IsLeaf(node) || tree.right[node] == tree.left[node] + 1;
  }
  if (fits) {
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int32_t>(i);
  }
  return order;  // order[new index] = old index
}

// `leaf_value(old index)` gives the exported output of each leaf.
template <typename LeafValue>
ExportTree ConvertTree(const Tree& tree, LeafValue leaf_value) {
  const std::vector<std::int32_t> order = NodeOrder(tree);
  std::vector<std::int32_t> new_index(tree.NumNodes(), -1);
  for (std::size_t i = 0; i < order.size(); ++i)
    new_index[static_cast<std::size_t>(order[i])] = static_cast<std::int32_t>(i);
  const std::size_t n = order.size();
  ExportTree out;
  out.left.assign(n, -1);
  out.right.assign(n, -1);
  out.parent.assign(n, -1);
  out.split_index.assign(n, 0);
  out.split_condition.assign(n, 0.0f);
  out.default_left.assign(n, 0);
  out.base_weight.assign(n, 0.0f);
  out.loss_change.assign(n, 0.0f);
  out.sum_hessian.assign(n, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    const auto old = static_cast<std::size_t>(order[i]);
    out.sum_hessian[i] = tree.sum_hessian[old];
    if (tree.IsLeaf(old)) {
      out.split_condition[i] = leaf_value(old);
      out.base_weight[i] = out.split_condition[i];
      continue;
    }
    const std::int32_t l = new_index[static_cast<std::size_t>(tree.left[old])];
    const std::int32_t r = new_index[static_cast<std::size_t>(tree.right[old])];
    out.left[i] = l;
    out.right[i] = r;
    out.parent[static_cast<std::size_t>(l)] = static_cast<std::int32_t>(i);
    out.parent[static_cast<std::size_t>(r)] = static_cast<std::int32_t>(i);
    out.split_index[i] = tree.split_feature[old];
    out.split_condition[i] = tree.threshold[old];
    out.default_left[i] = tree.default_left[old] != 0 ? 1 : 0;
    out.base_weight[i] = tree.value[old];
    out.loss_change[i] = tree.loss_change[old];
  }
  return out;
}

std::vector<std::int64_t> IterationIndptr(std::size_t trees, std::size_t per_round) {
  std::vector<std::int64_t> indptr;
  for (std::size_t t = 0; t <= trees; t += per_round) indptr.push_back(static_cast<std::int64_t>(t));
  return indptr;
}

void CheckFiniteLeaves(const Model& model, std::size_t num_trees) {
  for (std::size_t t = 0; t < num_trees; ++t) {
    const Tree& tree = model.trees[t];
    for (std::size_t i = 0; i < tree.NumNodes(); ++i) {
      if (tree.IsLeaf(i) && !std::isfinite(tree.value[i])) {
        Refuse(fmt::format("tree {}, node {} has the leaf value {} (training diverged); XGBoost "
                           "files cannot carry it portably",
                           t, i, tree.value[i]));
      }
    }
  }
}

// A forest leaf as written: its share of the mean. A subnormal share is refused: JSON readers
// (and hosts that flush denormals to zero) do not all carry such values through unchanged.
float ExportedShare(float leaf, std::size_t n_trees) {
  const float share = ForestLeafShare(leaf, n_trees);
  if (share != 0.0f && std::fabs(share) < std::numeric_limits<float>::min()) {
    Refuse(fmt::format("the forest leaf value {} divided by {} trees is below float32's normal "
                       "range, which XGBoost's readers may not carry exactly",
                       leaf, n_trees));
  }
  return share;
}

ExportPlan PlanForest(const Model& model) {
  const std::string& objective = model.params.objective;
  if (model.num_outputs != 1 || objective.starts_with("multi:")) {
    Refuse(fmt::format(
        "a multi-class random forest ({} classes) averages class-probability vectors, and "
        "XGBoost's multi-class models apply softmax to summed margins, which cannot reproduce "
        "an average of probabilities exactly; export binary-classification or regression "
        "forests, or serve this model with `grove predict` from its native file",
        model.num_outputs));
  }
  if (objective != "binary:logistic" && objective != "reg:squarederror") {
    Refuse(fmt::format("a random forest with objective {} has no XGBoost equivalent (forests "
                       "export for binary:logistic and reg:squarederror)",
                       objective));
  }
  const std::size_t n = model.trees.size();
  if (model.base_margin[0] != 0.0f) Refuse("a forest with a non-zero base margin");
  ExportPlan plan;
  // grove averages a forest as a sum of leaves pre-scaled by ForestLeafShare, in tree order
  // (engine/src/forest_average.h); the file holds those shares, so XGBoost's sum is grove's
  // for any number of trees. A binary forest's output is already the class-1
  // probability, so it is written with the identity objective: XGBoost's logistic objectives
  // would pass the average through a sigmoid, and no base_score undoes that exactly.
  plan.objective = "reg:squarederror";
  CheckFiniteLeaves(model, n);
  plan.base_score_text = XGBoostFloatText(model.base_margin[0]);
  plan.num_parallel_tree = static_cast<int>(n);
  plan.tree_info.assign(n, 0);
  plan.iteration_indptr = {0, static_cast<std::int64_t>(n)};
  for (const Tree& tree : model.trees) {
    if (tree.leaf_size > 1 && objective != "binary:logistic") {
      Refuse("a regression forest with vector leaves has no XGBoost equivalent");
    }
    plan.trees.push_back(
        ConvertTree(tree, [&](std::size_t i) { return ExportedShare(tree.value[i], n); }));
  }
  return plan;
}

ExportPlan PlanBoosted(const Model& model) {
  const std::string& objective = model.params.objective;
  if (std::find(std::begin(kExportable), std::end(kExportable), objective) ==
      std::end(kExportable)) {
    Refuse(fmt::format("objective {} has no XGBoost equivalent", objective));
  }
  const bool multi = objective.starts_with("multi:");
  if (multi != (model.num_outputs > 1) ||
      model.trees_per_round % model.num_outputs != 0) {
    Refuse(fmt::format("objective {} with {} outputs and {} trees per round is not a layout "
                       "XGBoost has",
                       objective, model.num_outputs, model.trees_per_round));
  }
  ExportPlan plan;
  plan.objective = objective;
  plan.num_class = multi ? model.num_outputs : 0;
  plan.num_parallel_tree = model.trees_per_round / model.num_outputs;
  // XGBoost's Booster.predict and C API use every tree, not best_iteration, so the rounds after
  // the early-stopping optimum are left out: every XGBoost consumer then predicts what
  // Model::Predict predicts by default.
  const std::size_t n = static_cast<std::size_t>(model.RoundsToUse(PredictOptions{})) *
                        static_cast<std::size_t>(model.trees_per_round);
  CheckFiniteLeaves(model, n);
  plan.tree_info.assign(model.tree_group.begin(), model.tree_group.begin() + n);
  plan.iteration_indptr = IterationIndptr(n, static_cast<std::size_t>(model.trees_per_round));

  const XGBoostLink link = LinkOf(objective);
  const bool same_everywhere =
      std::all_of(model.base_margin.begin(), model.base_margin.end(),
                  [&](float b) { return b == model.base_margin[0]; });
  const bool fold = link != XGBoostLink::kIdentity || !same_everywhere ||
                    !std::isfinite(model.base_margin[0]);
  plan.base_score_text =
      fold ? std::string(NeutralBaseScore(link)) : XGBoostFloatText(model.base_margin[0]);
  // Folding: the first tree of each output gets that output's margin added to every leaf in
  // float, fl(b + leaf), which is exactly grove's first accumulation step (the predictor starts
  // at b and adds the leaves in tree order); XGBoost then adds it to a zero margin.
  std::vector<std::uint8_t> folded(static_cast<std::size_t>(model.num_outputs), 0);
  for (std::size_t t = 0; t < n; ++t) {
    const Tree& tree = model.trees[t];
    if (tree.leaf_size != 0) {
      Refuse(fmt::format("tree {} has vector leaves, which XGBoost 1.7 cannot load", t));
    }
    const auto group = static_cast<std::size_t>(model.tree_group[t]);
    const bool add_base = fold && folded[group] == 0;
    folded[group] = 1;
    const float base = model.base_margin[group];
    plan.trees.push_back(ConvertTree(
        tree, [&](std::size_t i) { return add_base ? base + tree.value[i] : tree.value[i]; }));
  }
  if (fold && std::find(folded.begin(), folded.end(), 0) != folded.end()) {
    Refuse("an output has no tree to carry its intercept");
  }
  return plan;
}

}  // namespace

XGBoostLink LinkOf(std::string_view objective) {
  if (objective == "binary:logistic" || objective == "reg:logistic") return XGBoostLink::kLogit;
  if (objective == "count:poisson" || objective == "reg:gamma" || objective == "reg:tweedie") {
    return XGBoostLink::kLog;
  }
  return XGBoostLink::kIdentity;
}

std::string XGBoostFloatText(float value) {
  char text[48];
  const auto [end, error] =
      std::to_chars(text, text + sizeof text, value, std::chars_format::scientific);
  GROVE_CHECK(error == std::errc(), "to_chars failed for a float");
  // "1.5e-02" -> "1.5E-2": drop the exponent's '+' and leading zeros, as XGBoost writes.
  const std::string_view all(text, static_cast<std::size_t>(end - text));
  const std::size_t e = all.find('e');
  GROVE_CHECK(e != std::string_view::npos, "scientific float text without exponent");
  std::string out(all.substr(0, e));
  out += 'E';
  std::string_view exponent = all.substr(e + 1);
  if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) {
    if (exponent[0] == '-') out += '-';
    exponent.remove_prefix(1);
  }
  while (exponent.size() > 1 && exponent[0] == '0') exponent.remove_prefix(1);
  out += exponent;
  return out;
}

ExportPlan PlanXGBoostExport(const Model& model) {
  try {
    model.Validate();
  } catch (const InvalidInput& e) {
    Refuse(fmt::format("the model is invalid: {}", e.what()));
  }
  if (model.trees.empty()) Refuse("the model has no trees");
  return model.params.IsForest() ? PlanForest(model) : PlanBoosted(model);
}

}  // namespace grove::detail
