// [cuda] Model::Predict with PredictOptions::device = cuda: the GPU walks the trees and adds the
// leaves in float in tree order, as the CPU does, and the transform runs on the host, so every
// output type (values, margins, leaf indices) must be the CPU's bits for boosted trees and
// forests, dense and CSR input alike.
#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "grove/errors.h"
#include "grove/train.h"
#include "tests/engine/model_test_util.h"
#include "tests/engine/train_test_util.h"

using namespace grove;

namespace {

std::size_t Differences(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return a.size() + b.size();
  std::size_t differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    differ += std::memcmp(&a[i], &b[i], sizeof(float)) != 0;
  return differ;
}

void CheckSamePredictions(const Model& model, const DenseMatrix& x) {
  const CsrMatrix csr = test::ToCsr(x);
  for (const PredictType type : {PredictType::kValue, PredictType::kMargin, PredictType::kLeaf}) {
    INFO("type " << static_cast<int>(type));
    PredictOptions cpu;
    cpu.type = type;
    PredictOptions gpu = cpu;
    gpu.device = Device::Parse("cuda");
    const std::vector<float> expected = model.Predict(x, cpu);
    REQUIRE(!expected.empty());
    CHECK(Differences(expected, model.Predict(x, gpu)) == 0);
    CHECK(Differences(expected, model.Predict(csr, gpu)) == 0);
    CHECK(Differences(expected, model.Predict(x.values.data(), x.rows, x.cols, gpu)) == 0);
  }
}

}  // namespace

TEST_CASE("GPU prediction gives the CPU's bits for boosted trees and forests", "[cuda]") {
  using Params = std::map<std::string, std::string>;
  DataSet regression = test::Friedman1(3000, 101);
  test::InjectMissing(regression, 0.1, 102);
  DataSet binary = regression;
  for (float& y : binary.labels) y = y > 14.0f ? 1.0f : 0.0f;
  const DataSet blobs = test::Blobs(1500, 103);
  DenseMatrix test_x = test::Friedman1(20'000, 104).Dense();
  for (std::size_t i = 0; i < test_x.values.size(); i += 7) test_x.values[i] = kMissing;
  const DenseMatrix blobs_x = test::Blobs(5000, 105).Dense();

  SECTION("regression with missing values") {
    const Model m =
        Train(ParseParams(Params{
                  {"objective", "reg:squarederror"}, {"num_round", "30"}, {"max_depth", "6"}}),
              regression);
    CheckSamePredictions(m, test_x);
  }
  SECTION("binary:logistic") {
    const Model m =
        Train(ParseParams(Params{{"objective", "binary:logistic"}, {"num_round", "20"}}), binary);
    CheckSamePredictions(m, test_x);
  }
  SECTION("multi:softprob and multi:softmax") {
    for (const char* objective : {"multi:softprob", "multi:softmax"}) {
      const Model m = Train(
          ParseParams(Params{{"objective", objective}, {"num_class", "3"}, {"num_round", "10"}}),
          blobs);
      CheckSamePredictions(m, blobs_x);
    }
  }
  SECTION("random forests: regression and 3-class (leaf vectors)") {
    const Model r = Train(ParseParams(Params{{"algorithm", "random_forest"},
                                             {"objective", "reg:squarederror"},
                                             {"n_estimators", "20"},
                                             {"max_depth", "10"}}),
                          regression);
    CheckSamePredictions(r, test_x);
    const Model c = Train(ParseParams(Params{{"algorithm", "random_forest"},
                                             {"objective", "multi:softprob"},
                                             {"num_class", "3"},
                                             {"n_estimators", "20"}}),
                          blobs);
    CheckSamePredictions(c, blobs_x);
  }
}

TEST_CASE("GPU prediction refuses CSR rows whose columns do not increase", "[cuda]") {
  const DataSet data = test::Friedman1(500, 111);
  const Model m = Train(ParseParams({{"objective", "reg:squarederror"}, {"num_round", "3"}}), data);
  CsrMatrix csr = test::ToCsr(data.Dense());
  std::swap(csr.col_index[csr.row_ptr[4]], csr.col_index[csr.row_ptr[4] + 1]);
  PredictOptions gpu;
  gpu.device = Device::Parse("cuda");
  CHECK_THROWS_WITH(m.Predict(csr, gpu),
                    "CSR matrix: row 4 has column 0 after column 1; column indices must strictly "
                    "increase within a row");
  PredictOptions far = gpu;
  far.device = Device::Parse("cuda:99");
  CHECK_THROWS_AS(m.Predict(data.Dense(), far), InvalidInput);
}
