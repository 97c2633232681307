// Cross-parameter rules, JSON round trips, effective values and the generated docs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
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

namespace {

std::string ParseError(const std::map<std::string, std::string>& values) {
  try {
    ParseParams(values);
  } catch (const InvalidInput& e) {
    return e.what();
  }
  return "";
}

std::string CombinationError(const TrainParams& params) {
  try {
    params.ValidateCombination();
  } catch (const InvalidInput& e) {
    return e.what();
  }
  return "";
}

// Warnings logged while `body` runs (with LogOnce's memory cleared first).
template <class Body>
std::vector<std::string> WarningsOf(Body body) {
  std::vector<std::string> warnings;
  SetLogSink([&](LogLevel level, std::string_view line) {
    if (level == LogLevel::kWarning) warnings.emplace_back(line);
  });
  detail::ResetLogOnceForTesting();
  body();
  SetLogSink({});
  return warnings;
}

TrainParams Forest(const std::string& objective) {
  TrainParams p;
  p.algorithm = "random_forest";
  p.objective = objective;
  return p;
}

}  // namespace

TEST_CASE("Parameters of the other algorithm name the right one", "[unit]") {
  CHECK_THAT(ParseError({{"n_estimators", "10"}}),
             Equals("n_estimators applies to algorithm=random_forest; for gbdt use num_round"));
  CHECK_THAT(ParseError({{"algorithm", "random_forest"}, {"num_round", "10"}}),
             Equals("num_round applies to algorithm=gbdt; for random_forest use n_estimators"));
  CHECK_THAT(ParseError({{"algorithm", "random_forest"}, {"nthread", "4"}, {"seed", "1"}}),
             Equals("seed applies to algorithm=gbdt; for random_forest use random_state\n"
                    "nthread applies to algorithm=gbdt; for random_forest use n_jobs"));
  CHECK_THAT(ParseError({{"criterion", "gini"}}),
             Equals("criterion applies to algorithm=random_forest; remove it or set "
                    "algorithm=random_forest"));
  // Given explicitly counts even at the default value ...
  CHECK_THAT(ParseError({{"n_estimators", "100"}}), Contains("for gbdt use num_round"));
  // ... and in code a value counts once it differs from the default.
  TrainParams p;
  CHECK(CombinationError(p).empty());
  p.max_leaf_nodes = 8;
  CHECK_THAT(CombinationError(p),
             Equals("max_leaf_nodes applies to algorithm=random_forest; for gbdt use "
                    "max_leaves"));
  // Shared parameters belong to both.
  CHECK_NOTHROW(ParseParams({{"algorithm", "random_forest"}, {"max_depth", "4"},
                             {"max_bin", "64"}, {"device", "cuda"}, {"eval_metric", "rmse"}}));
}

TEST_CASE("num_class goes with the multi-class objectives", "[unit]") {
  CHECK_THAT(ParseError({{"objective", "multi:softprob"}}),
             Equals("objective=multi:softprob needs num_class (the number of classes, at least "
                    "2); add num_class"));
  CHECK_THAT(ParseError({{"objective", "multi:softmax"}}), Contains("needs num_class"));
  CHECK_THAT(ParseError({{"objective", "binary:logistic"}, {"num_class", "2"}}),
             Equals("num_class applies only to objective=multi:softmax or multi:softprob "
                    "(objective is binary:logistic); remove num_class, or set "
                    "objective=multi:softprob for more than two classes"));
  CHECK(ParseParams({{"objective", "multi:softmax"}, {"num_class", "4"}}).num_class == 4);
}

TEST_CASE("Boosting rules: depth, base_score, gpu_hist", "[unit]") {
  CHECK_THAT(ParseError({{"max_depth", "0"}}),
             Equals("max_depth=0 (no depth limit) needs grow_policy=lossguide; set "
                    "grow_policy=lossguide (and max_leaves to bound the tree size) or give "
                    "max_depth >= 1"));
  const TrainParams unlimited = ParseParams({{"max_depth", "0"}, {"grow_policy", "lossguide"}});
  CHECK(unlimited.EffectiveMaxDepth() == 0);
  CHECK_THAT(ParseError({{"objective", "binary:logistic"}, {"base_score", "1"}}),
             Equals("base_score=1 must be in (0, 1) for objective=binary:logistic, which reads "
                    "it as a probability; give e.g. 0.5 or leave base_score unset"));
  CHECK_THAT(ParseError({{"objective", "reg:logistic"}, {"base_score", "0"}}),
             Contains("must be in (0, 1)"));
  CHECK_THAT(ParseError({{"objective", "count:poisson"}, {"base_score", "-1"}}),
             Equals("base_score=-1 must be > 0 for objective=count:poisson (its link is log); "
                    "give the mean label or leave base_score unset"));
  CHECK(ParseParams({{"objective", "reg:squarederror"}, {"base_score", "-3.5"}}).base_score ==
        -3.5);
  TrainParams p;
  p.tree_method = "gpu_hist";
  CHECK_THAT(CombinationError(p), Equals("tree_method=gpu_hist is deprecated and asks for a GPU "
                                         "while device=cpu; set device=cuda and "
                                         "tree_method=hist"));
}

TEST_CASE("Settings without effect are warned about, not rejected", "[unit]") {
  const auto warnings = WarningsOf([] {
    ParseParams({{"tweedie_variance_power", "1.2"}});
    ParseParams({{"objective", "reg:tweedie"}, {"tweedie_variance_power", "1.2"}});
    ParseParams({{"huber_slope", "1"}, {"objective", "reg:absoluteerror"}});
  });
  CHECK(warnings == std::vector<std::string>{
                        "tweedie_variance_power has no effect with objective=reg:squarederror; "
                        "it applies to reg:tweedie",
                        "huber_slope has no effect with objective=reg:absoluteerror; it applies "
                        "to reg:pseudohubererror"});
}

TEST_CASE("Forest rules: task, criterion, bootstrap, class_weight", "[unit]") {
  CHECK_THAT(CombinationError(Forest("reg:tweedie")),
             Equals("algorithm=random_forest trains classification (objective=binary:logistic, "
                    "multi:softmax or multi:softprob) or regression "
                    "(objective=reg:squarederror), not objective=reg:tweedie"));
  TrainParams p = Forest("reg:squarederror");
  p.criterion = "gini";
  CHECK_THAT(CombinationError(p),
             Equals("criterion=gini is for classification but objective=reg:squarederror is "
                    "regression; use criterion=squared_error (or auto), or a binary:/multi: "
                    "objective"));
  p = Forest("binary:logistic");
  p.criterion = "squared_error";
  CHECK_THAT(CombinationError(p), Contains("criterion=squared_error is for regression"));
  p = Forest("binary:logistic");
  p.bootstrap = false;
  p.oob_score = true;
  p.max_samples = CountOrFraction::Fraction(0.5);
  CHECK_THAT(CombinationError(p),
             Equals("oob_score=true needs bootstrap=true (only bootstrap sampling leaves rows "
                    "out of bag); set bootstrap=true or oob_score=false\n"
                    "max_samples needs bootstrap=true; set bootstrap=true or remove "
                    "max_samples"));
  p = Forest("reg:squarederror");
  p.class_weight = "balanced";
  CHECK_THAT(CombinationError(p),
             Equals("class_weight applies to classification but objective=reg:squarederror is "
                    "regression; remove class_weight"));
  p = Forest("multi:softprob");
  p.num_class = 3;
  p.class_weight = "balanced_subsample";
  p.bootstrap = false;
  const auto warnings = WarningsOf([&] { p.ValidateCombination(); });
  CHECK(warnings.size() == 1);
  CHECK(p.EffectiveCriterion() == "gini");
}

TEST_CASE("ToJson and FromJson round-trip every field", "[unit]") {
  TrainParams p;
  p.algorithm = "random_forest";
  p.device = Device{Device::Kind::kCuda, 3};
  p.objective = "multi:softprob";
  p.num_class = 5;
  p.max_depth = 12;
  p.max_bin = 63;
  p.eval_metric = {"mlogloss", "merror"};
  p.n_estimators = 250;
  p.criterion = "entropy";
  p.min_samples_split = CountOrFraction::Fraction(0.1);
  p.min_samples_leaf = CountOrFraction::Count(3);
  p.min_weight_fraction_leaf = 0.125;
  p.max_features = CountOrFraction::Fraction(1.0);
  p.max_leaf_nodes = 40;
  p.min_impurity_decrease = 1e-7;
  p.max_samples = CountOrFraction::Count(1000);
  p.oob_score = true;
  p.class_weight = "balanced";
  p.random_state = 17;
  p.n_jobs = -2;
  const nlohmann::ordered_json config = p.ToJson();
  CHECK(TrainParams::FromJson(config) == p);
  CHECK(config.begin().key() == "algorithm");  // params.def order
  CHECK(config["max_features"].is_number_float());
  CHECK(config["min_samples_leaf"].is_number_integer());
  CHECK(config["max_samples"] == 1000);
  CHECK(config["base_score"].is_null());
  CHECK(config["device"] == "cuda:3");
  CHECK(config["eval_metric"] == nlohmann::ordered_json({"mlogloss", "merror"}));

  TrainParams boost;
  boost.eta = 0.1 + 0.2;  // not a short decimal: the JSON must keep every bit
  boost.base_score = 0.3;
  boost.seed = -5;
  boost.monotone_constraints = {1, 0, -1};
  boost.interaction_constraints = {{0, 2}, {1}};
  boost.early_stopping_rounds = 10;
  boost.max_depth = 0;
  boost.grow_policy = "lossguide";
  const nlohmann::ordered_json text = nlohmann::ordered_json::parse(boost.ToJson().dump());
  CHECK(TrainParams::FromJson(text) == boost);
  CHECK(text["interaction_constraints"] == nlohmann::ordered_json::parse("[[0,2],[1]]"));
}

TEST_CASE("FromJson rejects unknown keys and wrong types, keeps defaults for missing ones",
          "[unit]") {
  using nlohmann::ordered_json;
  CHECK(TrainParams::FromJson(ordered_json::object()) == TrainParams{});
  CHECK(TrainParams::FromJson(ordered_json{{"eta", 0.5}}).eta == 0.5);
  CHECK_THROWS_WITH(TrainParams::FromJson(ordered_json{{"colsample_by_tree", 1}}),
                    "unknown hyperparameter \"colsample_by_tree\"; did you mean "
                    "\"colsample_bytree\"?");
  CHECK_THROWS_WITH(TrainParams::FromJson(ordered_json{{"num_round", 10.0}}),
                    "hyperparameter num_round: got \"10.0\", expected an integer in "
                    "[1, 2147483647]");
  CHECK_THROWS_WITH(TrainParams::FromJson(ordered_json{{"eta", "x"}}),
                    "hyperparameter eta: got \"x\", expected a number in [0, 1]");
  CHECK_THROWS_WITH(TrainParams::FromJson(ordered_json::array()),
                    "hyperparameter config: expected a JSON object of name/value pairs, got "
                    "array");
  // A stored gbdt config lists forest parameters at their defaults: that is not "set".
  CHECK_NOTHROW(TrainParams::FromJson(TrainParams{}.ToJson()));
  ordered_json wrong = TrainParams{}.ToJson();
  wrong["n_estimators"] = 7;
  CHECK_THROWS_WITH(TrainParams::FromJson(wrong),
                    "n_estimators applies to algorithm=random_forest; for gbdt use num_round");
}

TEST_CASE("MakeContext maps each algorithm's thread and seed parameters", "[unit]") {
  TrainParams boost;
  boost.nthread = 3;
  boost.seed = 9;
  boost.device = Device{Device::Kind::kCuda, 1};
  Context ctx = boost.MakeContext();
  CHECK(ctx.nthread == 3);
  CHECK(ctx.seed == 9);
  CHECK(ctx.device == Device{Device::Kind::kCuda, 1});
  boost.seed = -1;
  CHECK(boost.MakeContext().seed == 0xFFFF'FFFF'FFFF'FFFFull);

  TrainParams forest = Forest("binary:logistic");
  CHECK(forest.MakeContext().nthread == 0);  // none: all cores
  CHECK(forest.MakeContext().seed == 0);     // none: 0
  forest.n_jobs = -1;
  CHECK(forest.MakeContext().nthread == 0);
  forest.n_jobs = 5;
  forest.random_state = 123;
  CHECK(forest.MakeContext().nthread == 5);
  CHECK(forest.MakeContext().seed == 123);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  forest.n_jobs = -2;  // joblib: all cores but one
  CHECK(forest.MakeContext().nthread == std::max(1, cores - 1));
  forest.n_jobs = -100000;
  CHECK(forest.MakeContext().nthread == 1);
}

TEST_CASE("Forest sizes resolve as scikit-learn 1.2 resolves them", "[unit]") {
  // Hand-computed from sklearn/tree/_classes.py (BaseDecisionTree.fit) and
  // sklearn/ensemble/_forest.py (_get_n_samples_bootstrap) of scikit-learn 1.2.1.
  TrainParams p = Forest("binary:logistic");
  p.max_features = CountOrFraction{CountOrFraction::Kind::kSqrt, 0, 0.0};
  CHECK(p.ResolveMaxFeatures(10) == 3);  // max(1, int(sqrt(10)))
  CHECK(p.ResolveMaxFeatures(16) == 4);
  p.max_features = CountOrFraction{CountOrFraction::Kind::kLog2, 0, 0.0};
  CHECK(p.ResolveMaxFeatures(10) == 3);  // int(log2(10)) = int(3.32)
  CHECK(p.ResolveMaxFeatures(1) == 1);   // log2(1) = 0, at least 1
  p.max_features = CountOrFraction::Fraction(0.05);
  CHECK(p.ResolveMaxFeatures(10) == 1);  // max(1, int(0.5))
  p.max_features = CountOrFraction::Fraction(0.55);
  CHECK(p.ResolveMaxFeatures(10) == 5);  // int(5.5)
  p.max_features = CountOrFraction::None();
  CHECK(p.ResolveMaxFeatures(10) == 10);
  p.max_features = CountOrFraction::Count(4);
  CHECK(p.ResolveMaxFeatures(10) == 4);
  CHECK_THROWS_WITH(p.ResolveMaxFeatures(3),
                    "hyperparameter max_features: 4 is more than the 3 features of the data; "
                    "give at most 3 or a fraction such as 0.5");

  p.min_samples_leaf = CountOrFraction::Fraction(0.1);
  CHECK(p.ResolveMinSamplesLeaf(25) == 3);  // ceil(2.5)
  p.min_samples_split = CountOrFraction::Fraction(0.1);
  CHECK(p.ResolveMinSamplesSplit(25) == 6);  // max(ceil(2.5), 2 * 3)
  p.min_samples_leaf = CountOrFraction::Count(1);
  p.min_samples_split = CountOrFraction::Fraction(0.01);
  CHECK(p.ResolveMinSamplesSplit(50) == 2);  // max(2, ceil(0.5))
  p.min_samples_split = CountOrFraction::Count(5);
  CHECK(p.ResolveMinSamplesSplit(50) == 5);

  CHECK(p.ResolveMaxSamples(80) == 80);  // none
  p.max_samples = CountOrFraction::Fraction(0.5);
  CHECK(p.ResolveMaxSamples(5) == 2);  // round(2.5) = 2: half to even, as Python
  CHECK(p.ResolveMaxSamples(7) == 4);  // round(3.5) = 4
  p.max_samples = CountOrFraction::Fraction(0.01);
  CHECK(p.ResolveMaxSamples(10) == 1);  // round(0.1) = 0, at least one row
  p.max_samples = CountOrFraction::Count(30);
  CHECK(p.ResolveMaxSamples(30) == 30);
  CHECK_THROWS_AS(p.ResolveMaxSamples(29), InvalidInput);
}

TEST_CASE("ListParams and the help text cover the whole table", "[unit]") {
  const std::vector<ParamInfo> infos = ListParams();
  std::set<std::string> names;
  for (const ParamInfo& info : infos) names.insert(info.name);
  CHECK(names.size() == infos.size());
  // Every field of ToJson is one row, in the same order.
  const auto config = TrainParams{}.ToJson();
  REQUIRE(config.size() == infos.size());
  size_t i = 0;
  for (const auto& item : config.items()) CHECK(item.key() == infos[i++].name);
  const std::string help = ParamsHelp();
  for (const ParamInfo& info : infos) CHECK_THAT(help, Contains("  " + info.name + " "));
  const ParamInfo& eta = infos[std::distance(
      infos.begin(), std::find_if(infos.begin(), infos.end(),
                                  [](const ParamInfo& info) { return info.name == "eta"; }))];
  CHECK(eta.type == "float");
  CHECK(eta.default_value == "0.3");
  CHECK(eta.valid_values == "[0, 1]");
  CHECK(eta.scope == ParamScope::kGbdt);
  // Each default, read back as text, is the default.
  const TrainParams all_defaults;
  for (const ParamInfo& info : infos) {
    INFO(info.name << "=" << info.default_value);
    CHECK(TrainParams::FromJson(nlohmann::ordered_json{{info.name, info.default_value}}) ==
          all_defaults);
  }
}

TEST_CASE("docs/params.md is generated from params.def", "[unit]") {
  const std::filesystem::path path = std::filesystem::path(GROVE_SOURCE_DIR) / "docs/params.md";
  const std::string generated = ParamsMarkdown();
  const char* regenerate = std::getenv("GROVE_REGENERATE_DOCS");
  if (regenerate != nullptr && std::string(regenerate) == "1") {
    test::WriteText(path, generated);
  }
  REQUIRE(std::filesystem::exists(path));
  const bool up_to_date = test::ReadText(path) == generated;
  if (!up_to_date) {
    FAIL("docs/params.md is out of date with engine/include/grove/params.def; regenerate it "
         "with: GROVE_REGENERATE_DOCS=1 <build dir>/tests/engine/params_tests "
         "\"docs/params.md is generated from params.def\"");
  }
  CHECK_THAT(generated, Contains("| `eta` | float | `0.3` | `[0, 1]` | gbdt |"));
  CHECK_THAT(generated, Contains("wrongly rejects index 0"));
}

TEST_CASE("Defaults match the installed XGBoost and scikit-learn", "[peer]") {
  const std::string out = test::RunPython(R"(
import json, numpy as np, xgboost as xgb
from sklearn.ensemble import RandomForestClassifier as C, RandomForestRegressor as R
d = xgb.DMatrix(np.arange(20.0).reshape(10, 2), label=np.arange(10.0) + 1)
def learner(p): return json.loads(xgb.train(p, d, 1).save_config())['learner']
c = learner({'tree_method': 'hist'})
tp = c['gradient_booster']['updater']['grow_quantile_histmaker']['train_param']
out = {k: tp[k] for k in ['eta', 'max_depth', 'max_leaves', 'max_bin', 'grow_policy',
       'min_child_weight', 'gamma', 'lambda', 'alpha', 'max_delta_step', 'subsample',
       'colsample_bytree', 'colsample_bylevel', 'colsample_bynode', 'sampling_method']}
out['seed'] = c['generic_param']['seed']
out['nthread'] = c['generic_param']['nthread']
out['num_parallel_tree'] = c['gradient_booster']['gbtree_model_param']['num_parallel_tree']
out['predictor'] = c['gradient_booster']['gbtree_train_param']['predictor']
out['booster'] = c['learner_train_param']['booster']
out['objective'] = c['learner_train_param']['objective']
out['scale_pos_weight'] = c['objective']['reg_loss_param']['scale_pos_weight']
out['tweedie_variance_power'] = learner({'objective': 'reg:tweedie'})['objective'][
    'tweedie_regression_param']['tweedie_variance_power']
out['huber_slope'] = learner({'objective': 'reg:pseudohubererror'})['objective'][
    'pseudo_huber_param']['huber_slope']
out['verbosity'] = str(xgb.get_config()['verbosity'])
print(json.dumps({'xgboost': out, 'classifier': C().get_params(), 'regressor': R().get_params()}))
)");
  const auto peers = nlohmann::json::parse(out);
  const auto defaults = nlohmann::json::parse(TrainParams{}.ToJson().dump());
  for (const auto& [name, value] : peers["xgboost"].items()) {
    INFO(name << ": XGBoost " << value << ", grove " << defaults[name]);
    if (name == "max_depth") {
      CHECK(std::stoi(value.get<std::string>()) == TrainParams{}.EffectiveMaxDepth());
    } else if (defaults[name].is_string()) {
      CHECK(value.get<std::string>() == defaults[name].get<std::string>());
    } else {
      // XGBoost keeps float32 parameters: 0.3 prints as 0.300000012.
      CHECK(std::stod(value.get<std::string>()) ==
            Approx(defaults[name].get<double>()).epsilon(1e-7));
    }
  }
  for (const char* name : {"n_estimators", "min_samples_split", "min_samples_leaf",
                           "min_weight_fraction_leaf", "max_leaf_nodes", "min_impurity_decrease",
                           "bootstrap", "max_samples", "oob_score", "random_state", "n_jobs"}) {
    INFO(name);
    CHECK(peers["classifier"][name] == defaults[name]);
    CHECK(peers["regressor"][name] == defaults[name]);
  }
  CHECK(peers["classifier"]["class_weight"] == defaults["class_weight"]);
  CHECK(peers["classifier"]["max_depth"].is_null());
  CHECK(Forest("binary:logistic").EffectiveMaxDepth() == 0);
  CHECK(peers["classifier"]["criterion"] == Forest("binary:logistic").EffectiveCriterion());
  CHECK(peers["regressor"]["criterion"] == Forest("reg:squarederror").EffectiveCriterion());
  CHECK(peers["classifier"]["max_features"] == "sqrt");
  CHECK(Forest("binary:logistic").ResolveMaxFeatures(50) == 7);  // sqrt: int(7.07)
  CHECK(peers["regressor"]["max_features"] == 1.0);
  CHECK(Forest("reg:squarederror").ResolveMaxFeatures(50) == 50);
}
