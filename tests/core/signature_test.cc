#include "core/signature.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace serval {
namespace {

using ::testing::HasSubstr;

TensorSpec Spec(DataType dtype, Shape shape) { return {"x", dtype, std::move(shape), true}; }

TEST(SignatureTest, FreeDimensionsMatchAnySize) {
  EXPECT_TRUE(CheckTensorMatchesSpec(Spec(DataType::kFp32, {-1, 3}),
                                     Tensor::Zeros(DataType::kFp32, {7, 3}))
                  .ok());
}

TEST(SignatureTest, WrongDtypeNamesBoth) {
  absl::Status status = CheckTensorMatchesSpec(Spec(DataType::kFp32, {-1}),
                                               Tensor::Zeros(DataType::kInt64, {2}));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("'x' expects dtype fp32"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("received int64"));
}

TEST(SignatureTest, WrongRankOrFixedDimensionNamesShapes) {
  absl::Status rank = CheckTensorMatchesSpec(Spec(DataType::kFp32, {-1, 3}),
                                             Tensor::Zeros(DataType::kFp32, {3}));
  EXPECT_THAT(std::string(rank.message()), HasSubstr("expects shape [-1, 3] but received [3]"));
  absl::Status dim = CheckTensorMatchesSpec(Spec(DataType::kFp32, {-1, 3}),
                                            Tensor::Zeros(DataType::kFp32, {2, 4}));
  EXPECT_EQ(dim.code(), absl::StatusCode::kInvalidArgument);
}

TEST(SignatureTest, UnknownRankAcceptsAnyShape) {
  TensorSpec spec{"x", DataType::kFp32, {}, false};
  EXPECT_TRUE(CheckTensorMatchesSpec(spec, Tensor::Zeros(DataType::kFp32, {2, 2, 2})).ok());
  EXPECT_EQ(spec.DebugString(), "fp32[?]");
}

TEST(SignatureTest, FindsByName) {
  Signature signature;
  signature.inputs = {{"a"}, {"b"}};
  signature.outputs = {{"y"}};
  EXPECT_EQ(signature.FindInput("b"), &signature.inputs[1]);
  EXPECT_EQ(signature.FindInput("y"), nullptr);
  EXPECT_EQ(signature.FindOutput("y"), &signature.outputs[0]);
  EXPECT_EQ(signature.name, "serving_default");
}

}  // namespace
}  // namespace serval
