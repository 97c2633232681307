#include <catch2/catch.hpp>

#include <cmath>

#include "grove/dataset.h"
#include "grove/errors.h"

using namespace grove;

TEST_CASE("CsrMatrix::ToDense puts entries in place and NaN elsewhere", "[unit]") {
  CsrMatrix csr;
  csr.rows = 3;
  csr.cols = 4;
  csr.row_ptr = {0, 2, 2, 3};
  csr.col_index = {0, 3, 1};
  csr.values = {1.5f, -2.0f, 7.0f};
  const DenseMatrix dense = csr.ToDense();
  REQUIRE(dense.rows == 3);
  REQUIRE(dense.cols == 4);
  CHECK(dense.At(0, 0) == 1.5f);
  CHECK(std::isnan(dense.At(0, 1)));
  CHECK(dense.At(0, 3) == -2.0f);
  for (std::size_t c = 0; c < 4; ++c) CHECK(std::isnan(dense.At(1, c)));
  CHECK(dense.At(2, 1) == 7.0f);
  CHECK(std::isnan(dense.At(2, 0)));
}

TEST_CASE("DataSet::GroupPointers splits runs of equal query ids", "[unit]") {
  DataSet data;
  data.features = DenseMatrix(6, 1, 0.0f);
  data.labels.assign(6, 0.0f);
  CHECK(data.GroupPointers().empty());
  data.qids = {7, 7, 3, 3, 3, 9};
  CHECK(data.GroupPointers() == std::vector<std::uint32_t>{0, 2, 5, 6});
  CHECK(data.NumRows() == 6);
  CHECK(data.NumFeatures() == 1);
}

TEST_CASE("Schema names one-hot features and round-trips through JSON", "[unit]") {
  Schema schema;
  schema.has_header = true;
  schema.label_name = "label";
  schema.columns.push_back({"age", ColumnKind::kNumeric, {}, 0});
  schema.columns.push_back({"city", ColumnKind::kCategorical, {"Lima", "Oslo", "Z\"q"}, 1});
  schema.columns.push_back({"income", ColumnKind::kNumeric, {}, 4});
  CHECK(schema.NumFeatures() == 5);
  CHECK(schema.HasCategorical());
  CHECK(schema.FeatureNames() ==
        std::vector<std::string>{"age", "city=Lima", "city=Oslo", "city=Z\"q", "income"});
  const Schema back = Schema::FromJson(schema.ToJson());
  CHECK(back == schema);
}

TEST_CASE("Schema::Numeric names columns f0..fn", "[unit]") {
  const Schema schema = Schema::Numeric(3);
  CHECK(schema.FeatureNames() == std::vector<std::string>{"f0", "f1", "f2"});
  CHECK_FALSE(schema.HasCategorical());
}

TEST_CASE("Schema::FromJson rejects malformed or inconsistent text", "[unit]") {
  CHECK_THROWS_AS(Schema::FromJson("{"), InvalidInput);
  CHECK_THROWS_WITH(Schema::FromJson(R"({"has_header":false,"label_name":"","weight_name":"",
      "columns":[{"name":"a","kind":"numeric","first_feature":1}]})"),
                    Catch::Contains("first_feature is 1, expected 0"));
  CHECK_THROWS_WITH(Schema::FromJson(R"({"has_header":false,"label_name":"","weight_name":"",
      "columns":[{"name":"a","kind":"text","first_feature":0}]})"),
                    Catch::Contains("kind \"text\""));
}
