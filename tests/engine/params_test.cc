// Hyperparameter parsing: defaults, value syntax, messages. Cross-parameter rules, JSON and the
// generated docs are in params_rules_test.cc.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "grove/errors.h"
#include "grove/log.h"
#include "grove/params.h"
#include "params_checks.h"
#include "test_util.h"

using namespace grove;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using Kind = CountOrFraction::Kind;

namespace {

// The message ParseParams throws for `values`, or "" when it accepts them.
std::string ParseError(const std::map<std::string, std::string>& values) {
  try {
    ParseParams(values);
  } catch (const InvalidInput& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("Defaults are XGBoost 1.7.4's and scikit-learn 1.2.1's", "[unit]") {
  const TrainParams p;
  // XGBoost: the train_param, generic_param and gbtree parts of
  //   /usr/bin/python3 -c "import xgboost as x,numpy as n; print(x.train({'tree_method':'hist'},
  //     x.DMatrix(n.random.rand(9,2),label=n.random.rand(9)),1).save_config())"
  // (eta prints as the float32 0.300000012), tweedie/huber from the same with their objective,
  // verbosity from xgboost.get_config(); sketch_eps from sagemaker-contract.md section 4.
  CHECK(p.algorithm == "gbdt");
  CHECK(p.device == Device{});
  CHECK(p.objective == "reg:squarederror");
  CHECK_FALSE(p.num_class.has_value());
  CHECK(p.num_round == 100);
  CHECK(p.eta == 0.3);
  CHECK(p.EffectiveMaxDepth() == 6);
  CHECK(p.max_leaves == 0);
  CHECK(p.max_bin == 256);
  CHECK(p.grow_policy == "depthwise");
  CHECK(p.min_child_weight == 1.0);
  CHECK(p.gamma == 0.0);
  CHECK(p.lambda == 1.0);
  CHECK(p.alpha == 0.0);
  CHECK(p.max_delta_step == 0.0);
  CHECK(p.subsample == 1.0);
  CHECK(p.colsample_bytree == 1.0);
  CHECK(p.colsample_bylevel == 1.0);
  CHECK(p.colsample_bynode == 1.0);
  CHECK(p.scale_pos_weight == 1.0);
  CHECK_FALSE(p.base_score.has_value());  // XGBoost >= 2 estimates it (1.7: 0.5)
  CHECK(p.seed == 0);
  CHECK(p.nthread == 0);
  CHECK(p.monotone_constraints.empty());
  CHECK(p.interaction_constraints.empty());
  CHECK(p.num_parallel_tree == 1);
  CHECK(p.tweedie_variance_power == 1.5);
  CHECK(p.huber_slope == 1.0);
  CHECK(p.eval_metric.empty());
  CHECK_FALSE(p.early_stopping_rounds.has_value());
  CHECK(p.tree_method == "auto");
  CHECK(p.booster == "gbtree");
  CHECK(p.verbosity == 1);
  CHECK(p.sketch_eps == 0.03);
  CHECK(p.sampling_method == "uniform");
  CHECK(p.deterministic_histogram);
  CHECK(p.predictor == "auto");
  CHECK_FALSE(p.single_precision_histogram);

  // scikit-learn: /usr/bin/python3 -c "from sklearn.ensemble import RandomForestClassifier as C,
  //   RandomForestRegressor as R; print(C().get_params(), R().get_params())"
  CHECK(p.n_estimators == 100);
  CHECK(p.min_samples_split == CountOrFraction::Count(2));
  CHECK(p.min_samples_leaf == CountOrFraction::Count(1));
  CHECK(p.min_weight_fraction_leaf == 0.0);
  CHECK_FALSE(p.max_leaf_nodes.has_value());
  CHECK(p.min_impurity_decrease == 0.0);
  CHECK(p.bootstrap);
  CHECK(p.max_samples == CountOrFraction::None());
  CHECK_FALSE(p.oob_score);
  CHECK_FALSE(p.class_weight.has_value());
  CHECK_FALSE(p.random_state.has_value());
  CHECK_FALSE(p.n_jobs.has_value());
  TrainParams forest;
  forest.algorithm = "random_forest";
  CHECK(forest.EffectiveMaxDepth() == 0);  // max_depth=None: no limit
  CHECK(forest.EffectiveCriterion() == "squared_error");
  CHECK(forest.ResolveMaxFeatures(10) == 10);  // regressor: max_features=1.0
  forest.objective = "binary:logistic";
  CHECK(forest.EffectiveCriterion() == "gini");
  CHECK(forest.ResolveMaxFeatures(10) == 3);  // classifier: max_features="sqrt"
}

TEST_CASE("ParseParams reads every value type", "[unit]") {
  const TrainParams p = ParseParams({
      {"device", "cuda:1"},
      {"objective", "multi:softprob"},
      {"num_class", "3"},
      {"eta", "1e-1"},
      {"max_depth", "None"},
      {"base_score", "+0.25"},
      {"seed", "-7"},
      {"num_round", " 12 "},
      {"deterministic_histogram", "False"},
      {"single_precision_histogram", "1"},
      {"eval_metric", "mlogloss, merror"},
      {"monotone_constraints", "( 1, -1 ,0)"},
      {"interaction_constraints", "[[0, 1], [2,3,4]]"},
  });
  CHECK(p.device == Device{Device::Kind::kCuda, 1});
  CHECK(p.num_class == 3);
  CHECK(p.eta == 0.1);
  CHECK_FALSE(p.max_depth.has_value());
  CHECK(p.base_score == 0.25);
  CHECK(p.seed == -7);
  CHECK(p.num_round == 12);
  CHECK_FALSE(p.deterministic_histogram);
  CHECK(p.single_precision_histogram);
  CHECK(p.eval_metric == std::vector<std::string>{"mlogloss", "merror"});
  CHECK(p.monotone_constraints == std::vector<int>{1, -1, 0});
  CHECK(p.interaction_constraints == std::vector<std::vector<int>>{{0, 1}, {2, 3, 4}});

  CHECK(ParseParams({{"monotone_constraints", "[1,-1,0]"}}).monotone_constraints ==
        std::vector<int>{1, -1, 0});
  CHECK(ParseParams({{"monotone_constraints", "()"}}).monotone_constraints.empty());
  CHECK(ParseParams({{"interaction_constraints", "[]"}}).interaction_constraints.empty());
  CHECK(ParseParams({{"eval_metric", ""}}).eval_metric.empty());
  auto bootstrap = [](const char* text) {
    return ParseParams({{"bootstrap", text}, {"algorithm", "random_forest"}}).bootstrap;
  };
  for (const char* text : {"true", "True", "1", " true "}) CHECK(bootstrap(text));
  for (const char* text : {"false", "False", "0"}) CHECK_FALSE(bootstrap(text));
}

TEST_CASE("Forest sizes read ints as counts and floats as fractions", "[unit]") {
  auto forest = [](const std::string& key, const std::string& value) {
    return ParseParams({{"algorithm", "random_forest"}, {"objective", "binary:logistic"},
                        {key, value}});
  };
  CHECK(forest("max_features", "1").max_features == CountOrFraction::Count(1));
  CHECK(forest("max_features", "1.0").max_features == CountOrFraction::Fraction(1.0));
  CHECK(forest("max_features", "sqrt").max_features.kind == Kind::kSqrt);
  CHECK(forest("max_features", "log2").max_features.kind == Kind::kLog2);
  CHECK(forest("max_features", "None").max_features == CountOrFraction::None());
  CHECK(forest("max_features", "auto").max_features == CountOrFraction::Auto());
  CHECK(forest("min_samples_split", "0.25").min_samples_split == CountOrFraction::Fraction(0.25));
  CHECK(forest("min_samples_leaf", "5").min_samples_leaf == CountOrFraction::Count(5));
  CHECK(forest("max_samples", "100").max_samples == CountOrFraction::Count(100));
  CHECK(forest("max_leaf_nodes", "none").max_leaf_nodes == std::nullopt);
  CHECK(forest("class_weight", "balanced_subsample").class_weight == "balanced_subsample");
  CHECK(forest("n_jobs", "-1").n_jobs == -1);
  CHECK(forest("random_state", "42").random_state == 42);
  CHECK(forest("criterion", "entropy").criterion == "entropy");

  CHECK(CountOrFraction::Fraction(1.0).ToString() == "1.0");
  CHECK(CountOrFraction::Fraction(0.5).ToString() == "0.5");
  CHECK(CountOrFraction::Count(7).ToString() == "7");
  CHECK(CountOrFraction::None().ToString() == "none");
}

TEST_CASE("Integers are parsed strictly, like the built-in container", "[unit]") {
  for (const char* text : {"100.0", "1e2", "0x10", "", "12abc", "1 2", "+-3", "99999999999"}) {
    INFO(text);
    CHECK_THAT(ParseError({{"num_round", text}}),
               Equals(std::string("hyperparameter num_round: got \"") + text +
                      "\", expected an integer in [1, 2147483647]"));
  }
  CHECK_THAT(ParseError({{"max_depth", "abc"}}),
             Equals("hyperparameter max_depth: got \"abc\", expected none or an integer in "
                    "[0, 2147483647]"));
  CHECK_THAT(ParseError({{"eta", "fast"}}),
             Equals("hyperparameter eta: got \"fast\", expected a number in [0, 1]"));
  CHECK_THAT(ParseError({{"bootstrap", "yes"}, {"algorithm", "random_forest"}}),
             Equals("hyperparameter bootstrap: got \"yes\", expected true, false, True, False, 1 "
                    "or 0"));
  CHECK_THAT(ParseError({{"device", "gpu"}}),
             Equals("hyperparameter device: got \"gpu\", expected cpu, cuda or cuda:N"));
  CHECK_THAT(ParseError({{"monotone_constraints", "1,-1"}}),
             Contains("got \"1,-1\", expected (a,b,...) or [a,b,...], each one of -1, 0, 1"));
  CHECK_THAT(ParseError({{"monotone_constraints", "(1,,0)"}}), Contains("got \"(1,,0)\""));
  CHECK_THAT(ParseError({{"interaction_constraints", "[[0,1],[2,x]]"}}),
             Contains("got \"[[0,1],[2,x]]\", expected [[i,j,...],...]"));
  CHECK_THAT(ParseError({{"interaction_constraints", "[0,1]"}}), Contains("got \"[0,1]\""));
  CHECK_THAT(ParseError({{"eval_metric", "auc,,rmse"}}), Contains("got \"auc,,rmse\""));
}

TEST_CASE("Each range names the parameter, the value and the range", "[unit]") {
  // (key, value, message) for every bounded parameter, at or just past its bounds.
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"eta", "1.5", "eta: 1.5 is not in [0, 1]"},
      {"eta", "-0.1", "eta: -0.1 is not in [0, 1]"},
      {"eta", "nan", "eta: nan is not in [0, 1]"},
      {"num_round", "0", "num_round: 0 is not in [1, 2147483647]"},
      {"num_class", "1", "num_class: 1 is not in [2, 2147483647]"},
      {"max_depth", "-1", "max_depth: -1 is not in [0, 2147483647]"},
      {"max_leaves", "-1", "max_leaves: -1 is not in [0, 2147483647]"},
      {"max_bin", "1", "max_bin: 1 is not in [2, 65535]"},
      {"max_bin", "65536", "max_bin: 65536 is not in [2, 65535]"},
      {"min_child_weight", "-1", "min_child_weight: -1 is not in [0, +inf)"},
      {"gamma", "-0.5", "gamma: -0.5 is not in [0, +inf)"},
      {"lambda", "-1", "lambda: -1 is not in [0, +inf)"},
      {"alpha", "-1", "alpha: -1 is not in [0, +inf)"},
      {"max_delta_step", "-2", "max_delta_step: -2 is not in [0, +inf)"},
      {"subsample", "0", "subsample: 0 is not in (0, 1]"},
      {"colsample_bytree", "1.01", "colsample_bytree: 1.01 is not in (0, 1]"},
      {"colsample_bylevel", "0", "colsample_bylevel: 0 is not in (0, 1]"},
      {"colsample_bynode", "2", "colsample_bynode: 2 is not in (0, 1]"},
      {"scale_pos_weight", "0", "scale_pos_weight: 0 is not in (0, +inf)"},
      {"base_score", "inf", "base_score: inf is not in (-inf, +inf)"},
      {"nthread", "-1", "nthread: -1 is not in [0, 2147483647]"},
      {"num_parallel_tree", "0", "num_parallel_tree: 0 is not in [1, 2147483647]"},
      {"tweedie_variance_power", "1", "tweedie_variance_power: 1 is not in (1, 2)"},
      {"tweedie_variance_power", "2", "tweedie_variance_power: 2 is not in (1, 2)"},
      {"huber_slope", "0", "huber_slope: 0 is not in (0, +inf)"},
      {"early_stopping_rounds", "0", "early_stopping_rounds: 0 is not in [1, 2147483647]"},
      {"verbosity", "4", "verbosity: 4 is not in [0, 3]"},
      {"sketch_eps", "1", "sketch_eps: 1 is not in (0, 1)"},
      {"monotone_constraints", "(1,2)",
       "monotone_constraints: element 2 (feature 1) is not one of -1, 0, 1"},
      {"interaction_constraints", "[[0,-1]]",
       "interaction_constraints: feature index -1 is below 0 (indices are 0-based)"},
      {"n_estimators", "0", "n_estimators: 0 is not in [1, 2147483647]"},
      {"min_samples_split", "1", "min_samples_split: 1 is not in [2, 2147483647]"},
      {"min_samples_split", "0.0", "min_samples_split: 0.0 is not in (0, 1]"},
      {"min_samples_split", "2.0",
       "min_samples_split: 2.0 is not in (0, 1] (a count is written without a decimal point: "
       "2)"},
      {"min_samples_leaf", "0", "min_samples_leaf: 0 is not in [1, 2147483647]"},
      {"min_samples_leaf", "1.0", "min_samples_leaf: 1.0 is not in (0, 1)"},
      {"min_weight_fraction_leaf", "0.6", "min_weight_fraction_leaf: 0.6 is not in [0, 0.5]"},
      {"max_features", "0", "max_features: 0 is not in [1, 2147483647]"},
      {"max_features", "1.5", "max_features: 1.5 is not in (0, 1]"},
      {"max_samples", "sqrt",
       "max_samples: got \"sqrt\", expected an integer in [1, 2147483647], a number in (0, 1] "
       "or none"},
      {"max_leaf_nodes", "1", "max_leaf_nodes: 1 is not in [2, 2147483647]"},
      {"min_impurity_decrease", "-1", "min_impurity_decrease: -1 is not in [0, +inf)"},
      {"random_state", "-1", "random_state: -1 is not in [0, 2147483647]"},
      {"n_jobs", "0", "n_jobs: 0 is not allowed (use -1 for all cores)"},
  };
  for (const auto& [key, value, message] : cases) {
    INFO(key << "=" << value);
    CHECK_THAT(ParseError({{key, value}}), Equals("hyperparameter " + message));
  }
}

TEST_CASE("Allowed sets name the choices and reject what grove does not implement", "[unit]") {
  CHECK_THAT(ParseError({{"grow_policy", "depthwize"}}),
             Equals("hyperparameter grow_policy: got \"depthwize\", expected one of depthwise, "
                    "lossguide; did you mean \"depthwise\"?"));
  CHECK_THAT(ParseError({{"algorithm", "xgboost"}}),
             Equals("hyperparameter algorithm: got \"xgboost\", expected one of gbdt, "
                    "random_forest"));
  CHECK_THAT(ParseError({{"objective", "binary:logistc"}}),
             Contains("expected one of reg:squarederror,") &&
                 Contains("did you mean \"binary:logistic\"?"));
  CHECK_THAT(ParseError({{"booster", "dart"}}),
             Equals("hyperparameter booster: \"dart\" is not supported by grove (grove trains "
                    "gradient-boosted trees only; remove booster or set booster=gbtree)"));
  CHECK_THAT(ParseError({{"booster", "gblinear"}}), Contains("\"gblinear\" is not supported"));
  CHECK_THAT(ParseError({{"sampling_method", "gradient_based"}}),
             Contains("\"gradient_based\" is not supported by grove"));
  CHECK_THAT(ParseError({{"objective", "rank:pairwise"}}),
             Contains("\"rank:pairwise\" is not supported by grove"));
  CHECK_THAT(ParseError({{"objective", "survival:cox"}}), Contains("not supported by grove"));
  CHECK_THAT(ParseError({{"algorithm", "random_forest"}, {"criterion", "poisson"}}),
             Contains("\"poisson\" is not supported by grove"));
  // Values are compared case-sensitively, as the built-in container does.
  CHECK_THAT(ParseError({{"grow_policy", "Lossguide"}}), Contains("expected one of"));
  CHECK_THAT(ParseError({{"class_weight", "balance"}, {"algorithm", "random_forest"}}),
             Contains("did you mean \"balanced\"?"));
}

TEST_CASE("Unknown keys are errors that suggest the closest name", "[unit]") {
  CHECK_THAT(ParseError({{"colsample_by_tree", "0.5"}}),
             Equals("unknown hyperparameter \"colsample_by_tree\"; did you mean "
                    "\"colsample_bytree\"?"));
  // Compared with '-' read as '_', and printed as given.
  CHECK_THAT(ParseError({{"colsample-by-tree", "0.5"}}),
             Equals("unknown hyperparameter \"colsample-by-tree\"; did you mean "
                    "\"colsample_bytree\"?"));
  CHECK_THAT(ParseError({{"max_detph", "3"}}), Contains("did you mean \"max_depth\"?"));
  CHECK_THAT(ParseError({{"n_estimator", "3"}}), Contains("did you mean \"n_estimators\"?"));
  CHECK_THAT(ParseError({{"learningrate", "0.1"}}), Contains("did you mean \"learning_rate\"?"));
  CHECK_THAT(ParseError({{"completely_unrelated_key", "1"}}),
             Equals("unknown hyperparameter \"completely_unrelated_key\" (docs/params.md lists "
                    "them all)"));
  // Keys of the built-in container that grove rejects say why.
  CHECK_THAT(ParseError({{"rate_drop", "0.1"}}),
             Equals("hyperparameter rate_drop is not supported by grove (a dart booster "
                    "parameter; grove trains gbtree only); remove it"));
  CHECK_THAT(ParseError({{"updater", "grow_colmaker"}}), Contains("updater is not supported"));
}

TEST_CASE("'-' and '_' in keys are the same character", "[unit]") {
  const TrainParams dashed = ParseParams({{"max-depth", "3"}, {"colsample-bytree", "0.5"},
                                          {"early-stopping-rounds", "4"}});
  const TrainParams plain = ParseParams({{"max_depth", "3"}, {"colsample_bytree", "0.5"},
                                         {"early_stopping_rounds", "4"}});
  CHECK(dashed == plain);
  CHECK(dashed.max_depth == 3);
  CHECK(ParseParams({{"algorithm", "random_forest"}, {"n-estimators", "7"}}).n_estimators == 7);
  CHECK_THAT(ParseError({{"max-depth", "3"}, {"max_depth", "4"}}),
             Equals("hyperparameter max_depth is given twice (as \"max-depth\" and "
                    "\"max_depth\"); keep one"));
}

TEST_CASE("sagemaker_* keys are ignored", "[unit]") {
  const TrainParams p = ParseParams({{"sagemaker_program", "train.py"},
                                     {"sagemaker-submit-directory", "s3://bucket/code.tar.gz"},
                                     {"sagemaker_container_log_level", "20"},
                                     {"eta", "0.2"}});
  TrainParams expected;
  expected.eta = 0.2;
  CHECK(p == expected);
  // Only the prefix counts: a key that merely contains it is still unknown.
  CHECK_THAT(ParseError({{"my_sagemaker_key", "1"}}), Contains("unknown hyperparameter"));
}

TEST_CASE("SageMaker's aliases read as grove's names", "[unit]") {
  const TrainParams p = ParseParams({{"learning_rate", "0.05"}, {"min_split_loss", "2"},
                                     {"reg_lambda", "3"}, {"reg_alpha", "4"}});
  CHECK(p.eta == 0.05);
  CHECK(p.gamma == 2.0);
  CHECK(p.lambda == 3.0);
  CHECK(p.alpha == 4.0);
  CHECK_THAT(ParseError({{"learning_rate", "0.05"}, {"eta", "0.1"}}),
             Equals("hyperparameter eta is given twice (as \"eta\" and \"learning_rate\"); keep "
                    "one"));
  // A bad value names the key as the user wrote it.
  CHECK_THAT(ParseError({{"learning_rate", "2"}}),
             Equals("hyperparameter learning_rate: 2 is not in [0, 1]"));
}

TEST_CASE("Every problem of a call is reported, one per line", "[unit]") {
  CHECK_THAT(ParseError({{"eta", "1.5"}, {"max_depth", "abc"}, {"colsample_by_tree", "1"}}),
             Equals("unknown hyperparameter \"colsample_by_tree\"; did you mean "
                    "\"colsample_bytree\"?\n"
                    "hyperparameter eta: 1.5 is not in [0, 1]\n"
                    "hyperparameter max_depth: got \"abc\", expected none or an integer in "
                    "[0, 2147483647]"));
}

TEST_CASE("Deprecated spellings are rewritten and warned about once", "[unit]") {
  std::vector<std::string> warnings;
  SetLogSink([&](LogLevel level, std::string_view line) {
    if (level == LogLevel::kWarning) warnings.emplace_back(line);
  });
  detail::ResetLogOnceForTesting();
  const TrainParams first = ParseParams({{"objective", "reg:linear"}});
  const TrainParams second = ParseParams({{"objective", "reg:linear"}});
  const TrainParams gpu = ParseParams({{"tree_method", "gpu_hist"}});
  SetLogSink({});
  CHECK(first.objective == "reg:squarederror");
  CHECK(second == first);
  CHECK(gpu.device == Device{Device::Kind::kCuda, 0});
  CHECK(gpu.tree_method == "hist");
  CHECK(warnings == std::vector<std::string>{
                        "objective=reg:linear is deprecated; grove reads it as "
                        "objective=reg:squarederror",
                        "tree_method=gpu_hist is deprecated; grove reads it as device=cuda with "
                        "tree_method=hist"});
  // gpu_hist keeps an explicit GPU ordinal and refuses an explicit CPU.
  CHECK(ParseParams({{"tree_method", "gpu_hist"}, {"device", "cuda:2"}}).device ==
        Device{Device::Kind::kCuda, 2});
  CHECK_THAT(ParseError({{"tree_method", "gpu_hist"}, {"device", "cpu"}}),
             Equals("tree_method=gpu_hist asks for a GPU but device=cpu; remove tree_method "
                    "(grove always builds histograms) and keep device"));
}

TEST_CASE("Validate checks fields set in code", "[unit]") {
  TrainParams p;
  CHECK_NOTHROW(p.Validate());
  p.eta = 1.5;
  p.objective = "reg:linear";
  p.class_weight = "heavy";
  p.max_features = CountOrFraction::Fraction(0.0);
  p.eval_metric = {"auc", ""};
  CHECK_THROWS_WITH(p.Validate(),
                    "hyperparameter objective: \"reg:linear\" is a deprecated name; write "
                    "\"reg:squarederror\"\n"
                    "hyperparameter eval_metric: a metric name is empty\n"
                    "hyperparameter eta: 1.5 is not in [0, 1]\n"
                    "hyperparameter max_features: 0.0 is not in (0, 1]\n"
                    "hyperparameter class_weight: got \"heavy\", expected one of balanced, "
                    "balanced_subsample");
  CHECK_THROWS_AS(p.Validate(), InvalidInput);
}
