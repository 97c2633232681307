// XGBoost model import: a parsed XGBoost JSON/UBJSON document -> grove::Model, such that
// Model::Predict reproduces XGBoost's float32 predictions (format doc section 7): the same
// node arrays, x < threshold, default directions, base margin = the objective's link of
// base_score, and the leaves of each output group added in tree order.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/src/objective.h"
#include "engine/src/xgboost_format.h"
#include "engine/src/xgboost_json.h"
#include "grove/errors.h"

namespace grove::detail {

namespace {

constexpr std::string_view kSupportedObjectives[] = {
    "reg:squarederror", "reg:squaredlogerror", "reg:logistic",   "reg:pseudohubererror",
    "reg:absoluteerror", "reg:gamma",          "reg:tweedie",    "count:poisson",
    "binary:logistic",   "binary:logitraw",    "binary:hinge",   "multi:softmax",
    "multi:softprob",    "reg:linear"};

// Typed access to the document; failures name the source and the JSON path.
class Doc {
 public:
  explicit Doc(std::string_view source) : source_(source) {}

  [[noreturn]] void Fail(std::string_view where, std::string_view what) const {
    throw InvalidInput(fmt::format("{}: {}{}{}", source_, where, where.empty() ? "" : ": ", what));
  }
  [[noreturn]] void Refuse(std::string_view what) const {
    throw InvalidInput(
        fmt::format("{}: grove cannot predict with this XGBoost model: {}", source_, what));
  }

  const XJson& Get(const XJson& object, std::string_view key, std::string_view where) const {
    if (!object.is_object()) Fail(where, fmt::format("expected an object, found {}", Show(object)));
    const auto it = object.find(key);
    if (it == object.end()) Fail(where, fmt::format("missing \"{}\"", key));
    return *it;
  }
  const XJson* Find(const XJson& object, std::string_view key) const {
    if (!object.is_object()) return nullptr;
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
  }

  std::string String(const XJson& v, std::string_view where) const {
    if (!v.is_string()) Fail(where, fmt::format("expected a string, found {}", Show(v)));
    return v.get<std::string>();
  }
  // Parameter objects hold numbers as strings ("num_class": "3").
  std::int64_t IntString(const XJson& object, std::string_view key, std::string_view where) const {
    const std::string text = String(Get(object, key, where), fmt::format("{}.{}", where, key));
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
      Fail(fmt::format("{}.{}", where, key), fmt::format("\"{}\" is not an integer", text));
    }
    return value;
  }
  double DoubleString(const XJson& object, std::string_view key, std::string_view where) const {
    const std::string text = String(Get(object, key, where), fmt::format("{}.{}", where, key));
    double value = 0.0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
      Fail(fmt::format("{}.{}", where, key), fmt::format("\"{}\" is not a number", text));
    }
    return value;
  }

  const XJson& Array(const XJson& object, std::string_view key, std::string_view where,
                     std::size_t expected_size) const {
    const XJson& array = Get(object, key, where);
    if (!array.is_array()) {
      Fail(fmt::format("{}.{}", where, key), fmt::format("expected an array, found {}", Show(array)));
    }
    if (array.size() != expected_size) {
      Fail(fmt::format("{}.{}", where, key),
           fmt::format("has {} entries, expected {}", array.size(), expected_size));
    }
    return array;
  }
  std::vector<std::int64_t> Ints(const XJson& object, std::string_view key, std::string_view where,
                                 std::size_t size) const {
    const XJson& array = Array(object, key, where, size);
    std::vector<std::int64_t> out;
    out.reserve(size);
    for (const XJson& v : array) {
      if (v.is_number_integer()) {
        out.push_back(v.get<std::int64_t>());
      } else if (v.is_boolean()) {
        out.push_back(v.get<bool>() ? 1 : 0);
      } else {
        Fail(fmt::format("{}.{}[{}]", where, key, out.size()),
             fmt::format("expected an integer, found {}", Show(v)));
      }
    }
    return out;
  }
  std::vector<float> Floats(const XJson& object, std::string_view key, std::string_view where,
                            std::size_t size) const {
    const XJson& array = Array(object, key, where, size);
    std::vector<float> out;
    out.reserve(size);
    for (const XJson& v : array) {
      if (!v.is_number()) {
        Fail(fmt::format("{}.{}[{}]", where, key, out.size()),
             fmt::format("expected a number, found {}", Show(v)));
      }
      out.push_back(v.get<float>());
    }
    return out;
  }

  static std::string Show(const XJson& v) {
    std::string text = v.dump();
    if (text.size() > 40) text = text.substr(0, 37) + "...";
    return fmt::format("{} {}", v.type_name(), text);
  }

 private:
  std::string source_;
};

void CheckNumericTree(const Doc& doc, const XJson& tree, std::string_view where,
                      std::size_t num_nodes) {
  const XJson* split_type = doc.Find(tree, "split_type");
  if (split_type != nullptr && split_type->is_array()) {
    for (std::size_t i = 0; i < split_type->size(); ++i) {
      const XJson& v = (*split_type)[i];
      if (!v.is_number_integer() || v.get<std::int64_t>() != 0) {
        doc.Refuse(fmt::format("{} node {} is a categorical split (split_type {}); grove reads "
                               "numerical splits only (retrain with one-hot encoded features "
                               "or without enable_categorical)",
                               where, i, v.dump()));
      }
    }
  }
  const XJson* categories = doc.Find(tree, "categories_nodes");
  if (categories != nullptr && categories->is_array() && !categories->empty()) {
    doc.Refuse(fmt::format("{} has categorical splits; grove reads numerical splits only", where));
  }
  const XJson& param = doc.Get(tree, "tree_param", where);
  const std::string param_where = fmt::format("{}.tree_param", where);
  if (doc.Find(param, "size_leaf_vector") != nullptr &&
      doc.IntString(param, "size_leaf_vector", param_where) > 1) {
    doc.Refuse(fmt::format("{} has vector leaves (size_leaf_vector {}); grove reads scalar leaves "
                           "(multi-target trees are not supported)",
                           where, doc.IntString(param, "size_leaf_vector", param_where)));
  }
  if (static_cast<std::size_t>(doc.IntString(param, "num_nodes", param_where)) != num_nodes) {
    doc.Fail(param_where, fmt::format("num_nodes is {} but the node arrays have {} entries",
                                      doc.IntString(param, "num_nodes", param_where), num_nodes));
  }
}

Tree ReadTree(const Doc& doc, const XJson& object, std::string_view where,
              std::int64_t num_feature) {
  const XJson& left_json = doc.Get(object, "left_children", where);
  if (!left_json.is_array() || left_json.empty()) {
    doc.Fail(where, "\"left_children\" must be a non-empty array");
  }
  const std::size_t n = left_json.size();
  CheckNumericTree(doc, object, where, n);
  const auto left = doc.Ints(object, "left_children", where, n);
  const auto right = doc.Ints(object, "right_children", where, n);
  const auto parents = doc.Ints(object, "parents", where, n);
  const auto split_index = doc.Ints(object, "split_indices", where, n);
  const auto default_left = doc.Ints(object, "default_left", where, n);
  const auto condition = doc.Floats(object, "split_conditions", where, n);
  Tree tree;
  tree.value = doc.Floats(object, "base_weights", where, n);
  tree.loss_change = doc.Floats(object, "loss_changes", where, n);
  tree.sum_hessian = doc.Floats(object, "sum_hessian", where, n);
  tree.left.assign(n, Tree::kNoChild);
  tree.right.assign(n, Tree::kNoChild);
  tree.parent.assign(n, Tree::kNoChild);
  tree.split_feature.assign(n, 0);
  tree.threshold.assign(n, 0.0f);
  tree.default_left.assign(n, 0);
  const auto in_nodes = [&](std::int64_t i) { return i > 0 && i < static_cast<std::int64_t>(n); };
  for (std::size_t i = 0; i < n; ++i) {
    const std::string node = fmt::format("{} node {}", where, i);
    if (i > 0 && parents[i] >= 0 && parents[i] < static_cast<std::int64_t>(n)) {
      tree.parent[i] = static_cast<std::int32_t>(parents[i]);
    }
    if (left[i] == -1) {  // a leaf (or a node XGBoost's pruner deleted: unreachable)
      if (right[i] != -1) doc.Fail(node, "left child is -1 but the right child is not");
      tree.value[i] = condition[i];
      continue;
    }
    if (!in_nodes(left[i]) || !in_nodes(right[i])) {
      doc.Fail(node, fmt::format("children {} and {} are outside [1, {})", left[i], right[i], n));
    }
    // XGBoost's predictors take left + 1 as the right child and never read right_children.
    if (right[i] != left[i] + 1) {
      doc.Refuse(fmt::format("{}: right child {} is not left child {} + 1, which XGBoost's own "
                             "predictors would silently treat differently from the file",
                             node, right[i], left[i]));
    }
    if (split_index[i] < 0 || split_index[i] >= num_feature) {
      doc.Fail(node, fmt::format("split feature {} is outside [0, {}) (num_feature)",
                                 split_index[i], num_feature));
    }
    tree.left[i] = static_cast<std::int32_t>(left[i]);
    tree.right[i] = static_cast<std::int32_t>(right[i]);
    tree.split_feature[i] = static_cast<std::uint32_t>(split_index[i]);
    tree.threshold[i] = condition[i];
    tree.default_left[i] = default_left[i] != 0 ? 1 : 0;
  }
  return tree;
}


// learner_model_param.base_score: XGBoost <= 3.0 writes a scalar ("5E-1"), 3.1+ a JSON array
// in the string ("[3.8E-1]", one value per class for multi-class). Output space.
std::vector<float> ReadBaseScore(const Doc& doc, const XJson& lmp, std::size_t outputs) {
  const std::string where = "learner.learner_model_param.base_score";
  const std::string text = doc.String(doc.Get(lmp, "base_score", where), where);
  std::vector<float> values;
  if (!text.empty() && text.front() == '[') {
    XJson array;
    try {
      array = XJson::parse(text);
    } catch (const XJson::exception&) {
      doc.Fail(where, fmt::format("\"{}\" is not a number or a JSON array of numbers", text));
    }
    for (const XJson& v : array) {
      if (!v.is_number()) doc.Fail(where, fmt::format("\"{}\" holds a non-number", text));
      values.push_back(v.get<float>());
    }
  } else {
    float value = 0.0f;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
      doc.Fail(where, fmt::format("\"{}\" is not a number", text));
    }
    values.push_back(value);
  }
  if (values.size() == 1) values.resize(outputs, values[0]);
  if (values.size() != outputs) {
    doc.Fail(where, fmt::format("has {} values, expected 1 or {} (one per output)", values.size(),
                                outputs));
  }
  return values;
}

// The objective and the settings grove keeps with it (they do not change predictions).
TrainParams ReadParams(const Doc& doc, const XJson& learner, std::int64_t num_class) {
  const XJson& objective = doc.Get(learner, "objective", "learner");
  TrainParams params;
  params.objective = doc.String(doc.Get(objective, "name", "learner.objective"),
                                "learner.objective.name");
  if (params.objective == "reg:linear") params.objective = "reg:squarederror";
  if (std::find(std::begin(kSupportedObjectives), std::end(kSupportedObjectives),
                params.objective) == std::end(kSupportedObjectives)) {
    doc.Refuse(fmt::format("objective {} is not one grove predicts with (grove has the "
                           "regression, binary, count and multi-class objectives)",
                           params.objective));
  }
  const std::string where = "learner.objective";
  if (const XJson* p = doc.Find(objective, "reg_loss_param");
      p != nullptr && doc.Find(*p, "scale_pos_weight") != nullptr) {
    params.scale_pos_weight = doc.DoubleString(*p, "scale_pos_weight", where);
  }
  if (const XJson* p = doc.Find(objective, "poisson_regression_param")) {
    params.max_delta_step = doc.DoubleString(*p, "max_delta_step", where);
  }
  if (const XJson* p = doc.Find(objective, "tweedie_regression_param")) {
    params.tweedie_variance_power = doc.DoubleString(*p, "tweedie_variance_power", where);
  }
  if (const XJson* p = doc.Find(objective, "pseudo_huber_param")) {
    params.huber_slope = doc.DoubleString(*p, "huber_slope", where);
  }
  if (params.objective.starts_with("multi:")) {
    if (num_class < 2) {
      doc.Fail("learner.learner_model_param.num_class",
               fmt::format("is {} but {} needs at least 2 classes", num_class, params.objective));
    }
    params.num_class = static_cast<int>(num_class);
  } else if (num_class > 1) {
    doc.Fail("learner.learner_model_param.num_class",
             fmt::format("is {} but {} has one output", num_class, params.objective));
  }
  try {
    params.Validate();
  } catch (const InvalidInput& e) {
    doc.Fail(where, e.what());
  }
  return params;
}

const XJson& GbtreeModel(const Doc& doc, const XJson& learner) {
  const XJson& booster = doc.Get(learner, "gradient_booster", "learner");
  const std::string name =
      doc.String(doc.Get(booster, "name", "learner.gradient_booster"), "gradient_booster.name");
  if (name == "dart") {
    doc.Refuse("it is a dart booster (its trees are scaled by weight_drop at prediction); "
               "export it from XGBoost as gbtree or retrain with booster=gbtree");
  }
  if (name == "gblinear") doc.Refuse("it is a gblinear (linear) booster; grove predicts trees");
  if (name != "gbtree") doc.Refuse(fmt::format("unknown gradient_booster \"{}\"", name));
  const XJson& model = doc.Get(booster, "model", "learner.gradient_booster");
  if (doc.Find(model, "weight_drop") != nullptr) {
    doc.Refuse("it is a dart model (weight_drop, XGBoost >= 3.3); retrain with booster=gbtree");
  }
  return model;
}

// Trees in slot order (`id`), their output groups, and the round layout.
void ReadTrees(const Doc& doc, const XJson& gbtree, Model& model) {
  const std::string where = "learner.gradient_booster.model";
  const XJson& param = doc.Get(gbtree, "gbtree_model_param", where);
  const std::int64_t num_trees = doc.IntString(param, "num_trees", where + ".gbtree_model_param");
  const std::int64_t parallel =
      doc.Find(param, "num_parallel_tree") == nullptr
          ? 1
          : doc.IntString(param, "num_parallel_tree", where + ".gbtree_model_param");
  if (num_trees < 0 || parallel < 1) {
    doc.Fail(where, fmt::format("num_trees {} and num_parallel_tree {} are not valid", num_trees,
                                parallel));
  }
  const auto n = static_cast<std::size_t>(num_trees);
  const XJson& trees = doc.Array(gbtree, "trees", where, n);
  const auto info = doc.Ints(gbtree, "tree_info", where, n);
  model.trees.assign(n, Tree{});
  model.tree_group.assign(n, 0);
  std::vector<std::uint8_t> filled(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string tree_where = fmt::format("tree {}", i);
    const XJson& id_json = doc.Get(trees[i], "id", tree_where);
    const std::int64_t id = id_json.is_number_integer() ? id_json.get<std::int64_t>() : -1;
    // XGBoost up to 3.2 places each tree at slot `id`; 3.3+ requires id == position.
    if (id < 0 || id >= num_trees || filled[static_cast<std::size_t>(id)] != 0) {
      doc.Fail(tree_where, fmt::format("id {} is not a unique index in [0, {})", id_json.dump(),
                                       num_trees));
    }
    const auto slot = static_cast<std::size_t>(id);
    filled[slot] = 1;
    model.trees[slot] = ReadTree(doc, trees[i], tree_where, model.num_features);
    if (info[slot] < 0 || info[slot] >= model.num_outputs) {
      doc.Fail(fmt::format("{}.tree_info[{}]", where, slot),
               fmt::format("output group {} is outside [0, {})", info[slot], model.num_outputs));
    }
    model.tree_group[slot] = static_cast<std::int32_t>(info[slot]);
  }
  model.trees_per_round = static_cast<std::int32_t>(parallel * model.num_outputs);
  model.params.num_parallel_tree = static_cast<int>(parallel);
  if (n % static_cast<std::size_t>(model.trees_per_round) != 0) {
    doc.Refuse(fmt::format("{} trees are not whole rounds of {} (num_class x num_parallel_tree); "
                           "XGBoost 2+ rejects such a file and 1.7 ignores the trailing trees",
                           n, model.trees_per_round));
  }
}

}  // namespace

Model ModelFromXGBoostDocument(const XJson& root, std::string_view source) {
  const Doc doc(source);
  if (!root.is_object() || doc.Find(root, "learner") == nullptr) {
    doc.Fail("", "not an XGBoost model: expected an object with a \"learner\" (XGBoost's "
                 "save_model JSON or UBJSON)");
  }
  const XJson& learner = root["learner"];
  const XJson& lmp = doc.Get(learner, "learner_model_param", "learner");
  const std::string lmp_where = "learner.learner_model_param";
  const std::int64_t num_class = doc.IntString(lmp, "num_class", lmp_where);
  const std::int64_t num_feature = doc.IntString(lmp, "num_feature", lmp_where);
  if (doc.Find(lmp, "num_target") != nullptr && doc.IntString(lmp, "num_target", lmp_where) > 1) {
    doc.Refuse("it is a multi-output model (num_target > 1); grove reads single-output and "
               "multi-class models");
  }
  if (num_feature < 0 || num_feature > std::numeric_limits<std::int32_t>::max()) {
    doc.Fail(lmp_where, fmt::format("num_feature {} is out of range", num_feature));
  }
  if (const XJson* types = doc.Find(learner, "feature_types"); types != nullptr) {
    for (const XJson& t : *types) {
      if (t.is_string() && t.get<std::string>() == "c") {
        doc.Refuse("it has categorical features (feature_types \"c\"); grove reads numerical "
                   "splits only");
      }
    }
  }
  Model model;
  model.params = ReadParams(doc, learner, num_class);
  model.num_outputs = static_cast<std::int32_t>(std::max<std::int64_t>(1, num_class));
  model.num_features = static_cast<std::int32_t>(num_feature);
  const std::vector<float> base_score =
      ReadBaseScore(doc, lmp, static_cast<std::size_t>(model.num_outputs));
  if (model.num_outputs == 1) model.params.base_score = base_score[0];
  const std::unique_ptr<Objective> objective = Objective::Create(model.params);
  for (const float b : base_score) {
    try {
      model.base_margin.push_back(objective->ProbToMargin(b));
    } catch (const InvalidInput& e) {
      doc.Fail(lmp_where, e.what());
    }
  }
  ReadTrees(doc, GbtreeModel(doc, learner), model);
  if (const XJson* names = doc.Find(learner, "feature_names");
      names != nullptr && names->is_array() && num_feature > 0 &&
      names->size() == static_cast<std::size_t>(num_feature)) {
    Schema schema = Schema::Numeric(static_cast<std::size_t>(num_feature));
    for (std::size_t f = 0; f < names->size(); ++f) {
      if ((*names)[f].is_string()) schema.columns[f].name = (*names)[f].get<std::string>();
    }
    model.schema = std::move(schema);
  }
  // Early stopping in XGBoost's Python package records best_iteration (train() writes it even
  // without early stopping, as the last round). Model::Predict then uses rounds up to it, as
  // XGBoost's scikit-learn API and SageMaker's serving do; use_best_iteration = false gives
  // Booster.predict's all-trees output.
  if (const XJson* attributes = doc.Find(learner, "attributes"); attributes != nullptr) {
    if (const XJson* best = doc.Find(*attributes, "best_iteration");
        best != nullptr && best->is_string()) {
      const std::string text = best->get<std::string>();
      std::int32_t value = -1;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error == std::errc() && end == text.data() + text.size() && value >= 0 &&
          value < model.NumRounds()) {
        model.best_iteration = value;
      }
    }
  }
  try {
    model.Validate();
  } catch (const InvalidInput& e) {
    doc.Fail("", fmt::format("inconsistent model: {}", e.what()));
  }
  return model;
}

}  // namespace grove::detail
