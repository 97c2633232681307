// The metric registry: XGBoost's names, their `@` parameters, and "did you mean" for typos.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "grove/errors.h"
#include "grove/metrics.h"
#include "metrics/factories.h"

namespace grove {
namespace {

using namespace metric_impl;  // NOLINT(google-build-using-namespace): the factories

/// The `@` parameter a metric takes.
enum class Param {
  kNone,
  kThreshold,  ///< error@t: a number
  kRho,        ///< tweedie-nloglik@rho: rho in [1, 2); the plain name means 1.5
  kTopK,       ///< ndcg@k, map@k: an integer k >= 1, optionally followed by '-'
};

struct Parsed {
  float threshold = 0.5f;
  double rho = 1.5;
  std::uint32_t top_k = 0;  // 0 = whole list
  bool minus = false;
};

struct Entry {
  std::string_view name;
  Param param;
  std::unique_ptr<Metric> (*make)(const Parsed&);
};

// Sorted by name (MetricNames returns them in this order).
constexpr std::array kRegistry = {
    Entry{"accuracy", Param::kNone, [](const Parsed&) { return MakeAccuracy(); }},
    Entry{"auc", Param::kNone, [](const Parsed&) { return MakeRocAuc(); }},
    Entry{"aucpr", Param::kNone, [](const Parsed&) { return MakePrAuc(); }},
    Entry{"balanced_accuracy", Param::kNone, [](const Parsed&) { return MakeBalancedAccuracy(); }},
    Entry{"error", Param::kThreshold, [](const Parsed& p) { return MakeError(p.threshold); }},
    Entry{"f1", Param::kNone,
          [](const Parsed&) { return MakeClassScore("f1", Score::kF1, Average::kMacro); }},
    Entry{"f1_binary", Param::kNone,
          [](const Parsed&) { return MakeClassScore("f1_binary", Score::kF1, Average::kBinary); }},
    Entry{"f1_macro", Param::kNone,
          [](const Parsed&) { return MakeClassScore("f1_macro", Score::kF1, Average::kMacro); }},
    Entry{"gamma-deviance", Param::kNone, [](const Parsed&) { return MakeGammaDeviance(); }},
    Entry{"gamma-nloglik", Param::kNone, [](const Parsed&) { return MakeGammaNLogLik(); }},
    Entry{"logloss", Param::kNone, [](const Parsed&) { return MakeLogLoss(); }},
    Entry{"mae", Param::kNone, [](const Parsed&) { return MakeMae(); }},
    Entry{"map", Param::kTopK, [](const Parsed& p) { return MakeMap(p.top_k, p.minus); }},
    Entry{"mape", Param::kNone, [](const Parsed&) { return MakeMape(); }},
    Entry{"merror", Param::kNone, [](const Parsed&) { return MakeMError(); }},
    Entry{"mlogloss", Param::kNone, [](const Parsed&) { return MakeMLogLoss(); }},
    Entry{"mphe", Param::kNone, [](const Parsed&) { return MakePseudoHuber(1.0); }},
    Entry{"mse", Param::kNone, [](const Parsed&) { return MakeMse(); }},
    Entry{"ndcg", Param::kTopK, [](const Parsed& p) { return MakeNdcg(p.top_k, p.minus); }},
    Entry{"poisson-nloglik", Param::kNone, [](const Parsed&) { return MakePoissonNLogLik(); }},
    Entry{"precision", Param::kNone,
          [](const Parsed&) {
            return MakeClassScore("precision", Score::kPrecision, Average::kBinary);
          }},
    Entry{"precision_macro", Param::kNone,
          [](const Parsed&) {
            return MakeClassScore("precision_macro", Score::kPrecision, Average::kMacro);
          }},
    Entry{"precision_micro", Param::kNone,
          [](const Parsed&) {
            return MakeClassScore("precision_micro", Score::kPrecision, Average::kMicro);
          }},
    Entry{"r2", Param::kNone, [](const Parsed&) { return MakeR2(); }},
    Entry{"recall", Param::kNone,
          [](const Parsed&) { return MakeClassScore("recall", Score::kRecall, Average::kBinary); }},
    Entry{"recall_macro", Param::kNone,
          [](const Parsed&) {
            return MakeClassScore("recall_macro", Score::kRecall, Average::kMacro);
          }},
    Entry{"recall_micro", Param::kNone,
          [](const Parsed&) {
            return MakeClassScore("recall_micro", Score::kRecall, Average::kMicro);
          }},
    Entry{"rmse", Param::kNone, [](const Parsed&) { return MakeRmse(); }},
    Entry{"rmsle", Param::kNone, [](const Parsed&) { return MakeRmsle(); }},
    Entry{"tweedie-nloglik", Param::kRho,
          [](const Parsed& p) { return MakeTweedieNLogLik(p.rho); }},
};

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()];
}

[[noreturn]] void ThrowUnknown(std::string_view base) {
  std::string lower(base);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const Entry& e : kRegistry) {
    // A name the input starts (e.g. "tweedie" for "tweedie-nloglik") beats any distance.
    const std::size_t d =
        lower.size() >= 3 && e.name.starts_with(lower) ? 0 : EditDistance(lower, e.name);
    if (d < best_distance) {
      best_distance = d;
      best = e.name;
    }
  }
  throw InvalidInput(fmt::format("unknown metric \"{}\"; did you mean \"{}\"?", base, best));
}

std::optional<Parsed> ParseThreshold(std::string_view text) {
  Parsed p;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), p.threshold);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(p.threshold)) {
    return std::nullopt;
  }
  return p;
}

std::optional<Parsed> ParseRho(std::string_view text) {
  Parsed p;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), p.rho);
  if (error != std::errc() || end != text.data() + text.size() || !(p.rho >= 1.0 && p.rho < 2.0)) {
    return std::nullopt;
  }
  return p;
}

std::optional<Parsed> ParseTopK(std::string_view text) {
  Parsed p;
  if (text.ends_with('-')) {
    p.minus = true;
    text.remove_suffix(1);
  }
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), p.top_k);
  if (text.empty() || text.front() == '+' || error != std::errc() ||
      end != text.data() + text.size() || p.top_k == 0) {
    return std::nullopt;
  }
  return p;
}

std::string AcceptedForm(const Entry& e) {
  switch (e.param) {
    case Param::kThreshold:
      return "error or error@t with a number t (e.g. error@0.3: a prediction > t counts as "
             "positive)";
    case Param::kRho:
      return "tweedie-nloglik@rho with rho in [1, 2) (e.g. tweedie-nloglik@1.5)";
    case Param::kTopK:
      return fmt::format("{0}, {0}-, {0}@k or {0}@k- with an integer k >= 1 (e.g. {0}@10)", e.name);
    case Param::kNone:
      break;
  }
  return std::string(e.name);
}

std::optional<Parsed> ParseParam(const Entry& e, std::string_view text) {
  switch (e.param) {
    case Param::kThreshold:
      return ParseThreshold(text);
    case Param::kRho:
      return ParseRho(text);
    case Param::kTopK:
      return ParseTopK(text);
    case Param::kNone:
      break;
  }
  return std::nullopt;
}

const Entry* Find(std::string_view base) {
  const auto it = std::find_if(kRegistry.begin(), kRegistry.end(),
                               [&](const Entry& e) { return e.name == base; });
  return it == kRegistry.end() ? nullptr : &*it;
}

}  // namespace

std::unique_ptr<Metric> CreateMetric(std::string_view name) {
  const std::size_t at = name.find('@');
  std::string_view base = name.substr(0, at);
  Parsed parsed;
  if (at == std::string_view::npos && base.ends_with('-') && base.size() > 1) {
    // "ndcg-" / "map-": score groups without relevant documents 0 instead of 1.
    const Entry* e = Find(base.substr(0, base.size() - 1));
    if (e != nullptr && e->param == Param::kTopK) {
      parsed.minus = true;
      return e->make(parsed);
    }
  }
  const Entry* e = Find(base);
  if (e == nullptr) ThrowUnknown(base);
  if (at == std::string_view::npos) return e->make(parsed);
  if (e->param == Param::kNone) {
    throw InvalidInput(fmt::format("metric \"{}\": \"{}\" takes no @ parameter; write \"{}\"", name,
                                   e->name, e->name));
  }
  const std::optional<Parsed> param = ParseParam(*e, name.substr(at + 1));
  if (!param) {
    throw InvalidInput(
        fmt::format("metric \"{}\": bad @ parameter; expected {}", name, AcceptedForm(*e)));
  }
  return e->make(*param);
}

std::vector<std::string> MetricNames() {
  std::vector<std::string> names;
  names.reserve(kRegistry.size());
  for (const Entry& e : kRegistry) names.emplace_back(e.name);
  return names;
}

}  // namespace grove
