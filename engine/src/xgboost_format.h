// engine/src/xgboost_format.h — internals shared by the XGBoost export and import
// (xgboost_export.cc, xgboost_plan.cc, xgboost_import.cc); the public API is grove/xgboost.h.
//
//   detail::ExportPlan plan = detail::PlanXGBoostExport(model);   // refusals happen here
//   std::string text = detail::XGBoostFloatText(0.25f);            // "2.5E-1"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "grove/model.h"

namespace grove::detail {

/// How an objective's base_score (output space) maps to a margin in XGBoost.
enum class XGBoostLink { kIdentity, kLogit, kLog };

/// The link of an XGBoost objective name (kIdentity for names grove does not know).
XGBoostLink LinkOf(std::string_view objective);

/// `value` (finite) in XGBoost's float style: the shortest decimal that reads back to the
/// same float, in scientific form with an upper-case E and no '+' ("2.5E-1", "1E0", "-3E2").
std::string XGBoostFloatText(float value);

/// One tree as XGBoost's node arrays (section 5 of the format doc): children numbered so that
/// right == left + 1, leaves hold their output in `split_condition` and 0 in `split_index`.
struct ExportTree {
  std::vector<std::int32_t> left;
  std::vector<std::int32_t> right;
  std::vector<std::int32_t> parent;  ///< -1 for the root (written as 2147483647)
  std::vector<std::uint32_t> split_index;
  std::vector<float> split_condition;
  std::vector<std::uint8_t> default_left;
  std::vector<float> base_weight;
  std::vector<float> loss_change;
  std::vector<float> sum_hessian;
};

/// Everything the writer emits besides fixed text: decided and checked by PlanXGBoostExport.
struct ExportPlan {
  std::string objective;        ///< the XGBoost objective name written
  std::string base_score_text;  ///< learner_model_param.base_score
  int num_class = 0;            ///< 0 for single-output models
  int num_parallel_tree = 1;
  std::vector<std::int32_t> tree_info;
  std::vector<std::int64_t> iteration_indptr;
  std::vector<ExportTree> trees;
};

/// Validates `model`, refuses what XGBoost cannot reproduce exactly (InvalidInput saying why
/// and what to do instead), drops rounds after best_iteration, folds the intercept where its
/// link is not the identity, scales forest leaves and renumbers trees where needed.
ExportPlan PlanXGBoostExport(const Model& model);

}  // namespace grove::detail
