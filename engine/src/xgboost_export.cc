// XGBoost JSON export (docs/xgboost-export.md): grove::Model -> the "universal dialect" of
// shared/docs/xgboost-json-model.md section 11, which XGBoost 1.7.4 and later load by content
// and score exactly like Model::Predict in float32.
//
// Exactness rests on three facts of XGBoost's predictor (ibid. section 7): inputs and leaves
// are float32, `x < threshold` goes left exactly as in grove, and each output's margin is
// g(base_score) plus the leaves of its trees added one at a time in tree order. So the trees
// are written as they are (floats in shortest round-trip text), and the intercept is written
// either as an exact base_score (identity link) or folded into the first tree of each output
// with a neutral base_score whose link value is 0 (logit and log links: XGBoost's logf of a
// base_score could differ from grove's stored margin by an ulp).
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "engine/src/file_bytes.h"
#include "engine/src/xgboost_format.h"
#include "grove/errors.h"
#include "grove/xgboost.h"

namespace grove {

namespace {

using Out = fmt::memory_buffer;

// XGBoost's reader types a token without '.' or exponent as an integer, and a float array with
// one integer token fails to load, so every float is written in scientific form ("1E0", never
// "1"). The mantissa is the shortest text that reads back to the same float (<= 9 digits, which
// XGBoost's exact float parser requires). Non-finite values use XGBoost's own tokens.
void AppendFloat(Out& out, float value) {
  if (std::isnan(value)) {
    fmt::format_to(std::back_inserter(out), "NaN");
    return;
  }
  if (std::isinf(value)) {
    fmt::format_to(std::back_inserter(out), "{}", value > 0 ? "Infinity" : "-Infinity");
    return;
  }
  fmt::format_to(std::back_inserter(out), "{}", detail::XGBoostFloatText(value));
}

template <typename T>
void AppendIntArray(Out& out, const std::vector<T>& values) {
  fmt::format_to(std::back_inserter(out), "[{}]", fmt::join(values, ","));
}

void AppendFloatArray(Out& out, const std::vector<float>& values) {
  out.push_back('[');
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out.push_back(',');
    AppendFloat(out, values[i]);
  }
  out.push_back(']');
}

// The objective block. Only `name` matters for prediction; the parameter object is required
// by the loaders (shared doc section 4.3) and keeps training settings for whoever continues.
void AppendObjective(Out& out, std::string_view name, const TrainParams& params) {
  const auto param_text = [](double v) { return detail::XGBoostFloatText(static_cast<float>(v)); };
  auto it = std::back_inserter(out);
  fmt::format_to(it, R"("objective":{{"name":"{}")", name);
  if (name == "count:poisson") {
    // grove's max_delta_step 0 means the objective's own default (see Objective).
    const double step = params.max_delta_step == 0.0 ? 0.7 : params.max_delta_step;
    fmt::format_to(it, R"(,"poisson_regression_param":{{"max_delta_step":"{}"}})",
                   param_text(step));
  } else if (name == "reg:tweedie") {
    fmt::format_to(it, R"(,"tweedie_regression_param":{{"tweedie_variance_power":"{}"}})",
                   param_text(params.tweedie_variance_power));
  } else if (name == "reg:pseudohubererror") {
    fmt::format_to(it, R"(,"pseudo_huber_param":{{"huber_slope":"{}"}})",
                   param_text(params.huber_slope));
  } else if (name == "multi:softmax" || name == "multi:softprob") {
    fmt::format_to(it, R"(,"softmax_multiclass_param":{{"num_class":"{}"}})",
                   params.num_class.value_or(0));
  } else if (name != "reg:absoluteerror" && name != "binary:hinge") {
    // Every other objective reads reg_loss_param (reg:gamma needs it from XGBoost 2.1 on).
    fmt::format_to(it, R"(,"reg_loss_param":{{"scale_pos_weight":"{}"}})",
                   param_text(params.scale_pos_weight));
  }
  out.push_back('}');
}

void AppendTree(Out& out, const detail::ExportTree& tree, std::size_t id, int num_feature) {
  const std::size_t n = tree.left.size();
  std::vector<std::int64_t> parents(tree.parent.begin(), tree.parent.end());
  parents[0] = 2147483647;  // XGBoost's "no parent"
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 R"({{"id":{},"tree_param":{{"num_nodes":"{}","num_feature":"{}",)"
                 R"("num_deleted":"0","size_leaf_vector":"1"}},"left_children":)",
                 id, n, num_feature);
  AppendIntArray(out, tree.left);
  fmt::format_to(it, R"(,"right_children":)");
  AppendIntArray(out, tree.right);
  fmt::format_to(it, R"(,"parents":)");
  AppendIntArray(out, parents);
  fmt::format_to(it, R"(,"split_indices":)");
  AppendIntArray(out, tree.split_index);
  fmt::format_to(it, R"(,"split_conditions":)");
  AppendFloatArray(out, tree.split_condition);
  fmt::format_to(it, R"(,"default_left":)");
  AppendIntArray(out, tree.default_left);
  fmt::format_to(it, R"(,"split_type":)");
  AppendIntArray(out, std::vector<int>(n, 0));
  fmt::format_to(it,
                 R"(,"categories":[],"categories_nodes":[],"categories_segments":[],)"
                 R"("categories_sizes":[],"base_weights":)");
  AppendFloatArray(out, tree.base_weight);
  fmt::format_to(it, R"(,"loss_changes":)");
  AppendFloatArray(out, tree.loss_change);
  fmt::format_to(it, R"(,"sum_hessian":)");
  AppendFloatArray(out, tree.sum_hessian);
  out.push_back('}');
}

}  // namespace

std::string ToXGBoostJson(const Model& model) {
  const detail::ExportPlan plan = detail::PlanXGBoostExport(model);
  Out out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, R"({{"version":[1,7,4],"learner":{{"attributes":{{}},)"
                     R"("feature_names":[],"feature_types":[],"learner_model_param":{{)");
  fmt::format_to(it,
                 R"("base_score":"{}","boost_from_average":"1","num_class":"{}",)"
                 R"("num_feature":"{}","num_target":"1"}},)",
                 plan.base_score_text, plan.num_class, model.num_features);
  AppendObjective(out, plan.objective, model.params);
  fmt::format_to(it,
                 R"(,"gradient_booster":{{"name":"gbtree","model":{{"gbtree_model_param":{{)"
                 R"("num_trees":"{}","num_parallel_tree":"{}"}},"tree_info":)",
                 plan.trees.size(), plan.num_parallel_tree);
  AppendIntArray(out, plan.tree_info);
  fmt::format_to(it, R"(,"iteration_indptr":)");
  AppendIntArray(out, plan.iteration_indptr);
  fmt::format_to(it, R"(,"trees":[)");
  for (std::size_t t = 0; t < plan.trees.size(); ++t) {
    if (t != 0) out.push_back(',');
    AppendTree(out, plan.trees[t], t, model.num_features);
  }
  fmt::format_to(it, "]}}}}}}}}\n");
  return fmt::to_string(out);
}

void SaveXGBoostModel(const Model& model, const std::filesystem::path& path) {
  detail::WriteFileAtomically(path, ToXGBoostJson(model), "XGBoost model");
}

}  // namespace grove
