#include "tools/predict_body.h"

#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocol/tfs_json.h"
#include "tools/input_spec.h"
#include "tools/random_tensor.h"

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Parses `body` with Serval's own request parser, as the server would, for a model whose
// signature has `specs` as inputs.
absl::StatusOr<TfsPredictRequest> ParseAsServer(std::string body,
                                                const std::vector<TensorSpec>& specs) {
  Signature signature;
  signature.inputs = specs;
  return ParseTfsPredictRequest(
      body, [&](std::string_view) -> absl::StatusOr<const Signature*> { return &signature; });
}

std::vector<TensorSpec> Specs(std::string_view text) {
  absl::StatusOr<std::vector<TensorSpec>> specs = ParseInputSpecs(text);
  EXPECT_TRUE(specs.ok()) << specs.status();
  return specs.ok() ? *specs : std::vector<TensorSpec>{};
}

TEST(PredictBodyTest, KnownTensorsInBothFormats) {
  Tensor x = Tensor::Zeros(DataType::kFp32, {2, 2});
  for (int i = 0; i < 4; ++i) x.mutable_data<float>()[i] = 0.5f * static_cast<float>(i);
  Tensor ids = Tensor::Zeros(DataType::kInt64, {2});
  ids.mutable_data<int64_t>()[0] = 7;
  ids.mutable_data<int64_t>()[1] = 9;

  EXPECT_EQ(*MakePredictBody({{"x", x}}, PredictBodyFormat::kInstances),
            R"({"instances":[[0.0,0.5],[1.0,1.5]]})");
  EXPECT_EQ(*MakePredictBody({{"x", x}}, PredictBodyFormat::kInputs),
            R"({"inputs":[[0.0,0.5],[1.0,1.5]]})");
  EXPECT_EQ(*MakePredictBody({{"x", x}, {"ids", ids}}, PredictBodyFormat::kInstances),
            R"({"instances":[{"x":[0.0,0.5],"ids":7},{"x":[1.0,1.5],"ids":9}]})");
  EXPECT_EQ(*MakePredictBody({{"x", x}, {"ids", ids}}, PredictBodyFormat::kInputs),
            R"({"inputs":{"x":[[0.0,0.5],[1.0,1.5]],"ids":[7,9]}})");
}

TEST(PredictBodyTest, RandomBodiesParseAsTheServerWouldWithTheRightShapes) {
  const std::vector<TensorSpec> specs =
      Specs("features:fp32[3,8],temperature:fp64[3,1],ids:int64[3,2],on:bool[3],w:bytes[3,1]");
  std::mt19937_64 random(5);
  for (PredictBodyFormat format : {PredictBodyFormat::kInstances, PredictBodyFormat::kInputs}) {
    absl::StatusOr<std::string> body = MakeRandomPredictBody(specs, format, random);
    ASSERT_TRUE(body.ok()) << body.status();
    absl::StatusOr<TfsPredictRequest> parsed = ParseAsServer(*body, specs);
    ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << *body;
    EXPECT_EQ(parsed->row_format, format == PredictBodyFormat::kInstances);
    ASSERT_EQ(parsed->inputs.size(), specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
      EXPECT_EQ(parsed->inputs[i].first, specs[i].name);
      EXPECT_EQ(parsed->inputs[i].second.dtype(), specs[i].dtype);
      EXPECT_EQ(parsed->inputs[i].second.shape(), specs[i].shape) << specs[i].name;
    }
  }
}

TEST(PredictBodyTest, OneInputIsWrittenWithoutItsName) {
  std::mt19937_64 random(1);
  absl::StatusOr<std::string> body =
      MakeRandomPredictBody(Specs("x:fp32[1,4]"), PredictBodyFormat::kInstances, random);
  ASSERT_TRUE(body.ok());
  EXPECT_THAT(*body, ::testing::StartsWith(R"({"instances":[[)"));
  EXPECT_THAT(*body, ::testing::Not(HasSubstr("\"x\"")));
}

TEST(PredictBodyTest, ScalarsNeedColumnarFormat) {
  std::mt19937_64 random(1);
  const std::vector<TensorSpec> specs = Specs("s:fp32[]");
  absl::StatusOr<std::string> rows =
      MakeRandomPredictBody(specs, PredictBodyFormat::kInstances, random);
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(std::string(rows.status().message()), HasSubstr("--body_format=inputs"));
  absl::StatusOr<std::string> columns =
      MakeRandomPredictBody(specs, PredictBodyFormat::kInputs, random);
  ASSERT_TRUE(columns.ok()) << columns.status();
  absl::StatusOr<TfsPredictRequest> parsed = ParseAsServer(*columns, specs);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->inputs[0].second.shape().empty());
}

TEST(PredictBodyTest, Errors) {
  std::mt19937_64 random(1);
  absl::StatusOr<std::string> body = MakeRandomPredictBody(Specs("a:fp32[2,1],b:fp32[3,1]"),
                                                           PredictBodyFormat::kInstances, random);
  ASSERT_FALSE(body.ok());
  EXPECT_THAT(std::string(body.status().message()), HasSubstr("differ in dimension 0"));
  EXPECT_TRUE(
      MakeRandomPredictBody(Specs("a:fp32[2,1],b:fp32[3,1]"), PredictBodyFormat::kInputs, random)
          .ok());

  body = MakeRandomPredictBody(Specs("h:fp16[1]"), PredictBodyFormat::kInputs, random);
  ASSERT_FALSE(body.ok());
  EXPECT_THAT(std::string(body.status().message()), HasSubstr("fp16 cannot be sent"));
  EXPECT_FALSE(MakePredictBody({}, PredictBodyFormat::kInputs).ok());
}

TEST(RandomTensorTest, ValuesInTheirRanges) {
  std::mt19937_64 random(11);
  const Tensor floats = RandomTensor(DataType::kFp32, {1000}, random);
  bool any_negative = false;
  for (int i = 0; i < 1000; ++i) {
    const float value = floats.data<float>()[i];
    EXPECT_GE(value, -1.0f);
    EXPECT_LT(value, 1.0f);
    any_negative |= value < 0;
  }
  EXPECT_TRUE(any_negative);
  const Tensor ints = RandomTensor(DataType::kInt64, {1000}, random);
  bool any_nonzero = false;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_GE(ints.data<int64_t>()[i], 0);
    EXPECT_LT(ints.data<int64_t>()[i], 100);
    any_nonzero |= ints.data<int64_t>()[i] != 0;
  }
  EXPECT_TRUE(any_nonzero);
  const Tensor halves = RandomTensor(DataType::kFp16, {100}, random);
  for (int i = 0; i < 100; ++i) {
    const uint16_t exponent = (halves.data<uint16_t>()[i] >> 10) & 0x1f;
    EXPECT_GE(exponent, 10);  // finite, normal, magnitude below 1
    EXPECT_LE(exponent, 14);
  }
  const Tensor words = RandomTensor(DataType::kString, {2, 3}, random);
  ASSERT_EQ(words.strings().size(), 6u);
  EXPECT_EQ(words.strings()[0].size(), 8u);
  EXPECT_THAT(RandomTensor(DataType::kBool, {2, 0}, random).shape(), ElementsAre(2, 0));
}

}  // namespace
}  // namespace serval
