#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "grove/demo.h"

using namespace grove;

TEST_CASE("MakeDemoData follows section 2.1 of the guide", "[unit]") {
  const DemoData demo = MakeDemoData();
  REQUIRE(demo.train.NumRows() == 8000);
  REQUIRE(demo.test.NumRows() == 2000);
  REQUIRE(demo.train.NumFeatures() == 5);
  CHECK(demo.train.schema.FeatureNames() ==
        std::vector<std::string>{"feature_1", "feature_2", "feature_3", "category_B",
                                 "category_C"});
  const DenseMatrix& x = demo.train.Dense();
  double mean1 = 0, var1 = 0, mean3 = 0, positives = 0, b = 0, c = 0;
  std::size_t label_matches_rule_sign = 0;
  for (std::size_t r = 0; r < x.rows; ++r) {
    mean1 += x.At(r, 0);
    var1 += x.At(r, 0) * x.At(r, 0);
    mean3 += x.At(r, 2);
    CHECK(x.At(r, 2) > 0.0f);  // exponential
    CHECK((x.At(r, 3) == 0.0f || x.At(r, 3) == 1.0f));
    CHECK(x.At(r, 3) + x.At(r, 4) <= 1.0f);  // one-hot with A dropped
    b += x.At(r, 3);
    c += x.At(r, 4);
    positives += demo.train.labels[r];
    const bool rule = x.At(r, 0) + 0.5 * x.At(r, 1) > 0;
    label_matches_rule_sign += (rule == (demo.train.labels[r] == 1.0f));
  }
  const double n = static_cast<double>(x.rows);
  // Sampling bands: 8000 draws, so means are within ~4 standard errors of the truth.
  CHECK(std::abs(mean1 / n) < 0.05);
  CHECK(std::abs(var1 / n - 1.0) < 0.07);
  CHECK(std::abs(mean3 / n - 1.0) < 0.05);
  CHECK(std::abs(positives / n - 0.5) < 0.03);
  CHECK(std::abs(b / n - 1.0 / 3) < 0.03);
  CHECK(std::abs(c / n - 1.0 / 3) < 0.03);
  // Noise of sd 0.3 against a signal of sd ~1.12 flips about 8.5% of the labels.
  const double agreement = label_matches_rule_sign / n;
  CHECK(agreement > 0.88);
  CHECK(agreement < 0.95);
}

TEST_CASE("MakeDemoData is a pure function of its seed", "[unit]") {
  const DemoData a = MakeDemoData(500, 7);
  const DemoData b = MakeDemoData(500, 7);
  const DemoData c = MakeDemoData(500, 8);
  CHECK(a.train.Dense().values == b.train.Dense().values);
  CHECK(a.test.labels == b.test.labels);
  CHECK(a.train.Dense().values != c.train.Dense().values);
  CHECK(a.train.NumRows() == 400);
  CHECK(a.test.NumRows() == 100);
}
