#include "batching/batch_tensors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace serval {
namespace {

using ::testing::HasSubstr;

Tensor Floats(const Shape& shape, float first) {
  Tensor tensor = Tensor::Zeros(DataType::kFp32, shape);
  for (int64_t i = 0; i < tensor.num_elements(); ++i) tensor.mutable_data<float>()[i] = first + i;
  return tensor;
}

std::vector<float> Values(const Tensor& tensor) {
  return {tensor.data<float>(), tensor.data<float>() + tensor.num_elements()};
}

TEST(BatchTensorsTest, ConcatenatesAndPadsRows) {
  NamedTensors a = {{"x", Floats({1, 2}, 1)}};
  NamedTensors b = {{"x", Floats({2, 2}, 10)}};
  std::vector<const NamedTensors*> parts = {&a, &b};
  auto batch = ConcatenateInputs(parts, /*rows=*/4, false);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ((*batch)[0].second.shape(), (Shape{4, 2}));
  EXPECT_EQ(Values((*batch)[0].second), (std::vector<float>{1, 2, 10, 11, 12, 13, 0, 0}));
}

TEST(BatchTensorsTest, RaggedInputsNeedPadding) {
  NamedTensors a = {{"x", Floats({1, 2}, 1)}};
  NamedTensors b = {{"x", Floats({1, 3}, 10)}};
  std::vector<const NamedTensors*> parts = {&a, &b};
  auto refused = ConcatenateInputs(parts, 2, false);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("pad_variable_length_inputs"));
  auto padded = ConcatenateInputs(parts, 2, true);
  ASSERT_TRUE(padded.ok()) << padded.status();
  EXPECT_EQ((*padded)[0].second.shape(), (Shape{2, 3}));
  EXPECT_EQ(Values((*padded)[0].second), (std::vector<float>{1, 2, 0, 10, 11, 12}));
}

TEST(BatchTensorsTest, StringsConcatenate) {
  NamedTensors a = {{"s", Tensor::FromStrings({1}, {"a"})}};
  NamedTensors b = {{"s", Tensor::FromStrings({2}, {"b", "c"})}};
  std::vector<const NamedTensors*> parts = {&a, &b};
  auto batch = ConcatenateInputs(parts, 3, false);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(std::vector<std::string>((*batch)[0].second.strings().begin(),
                                     (*batch)[0].second.strings().end()),
            (std::vector<std::string>{"a", "b", "c"}));
}

TEST(BatchTensorsTest, SplitsOutputsIntoViewsAndDropsPadding) {
  NamedTensors outputs = {{"y", Floats({4, 1}, 0)}};
  auto parts = SplitOutputs(outputs, {1, 2});
  ASSERT_TRUE(parts.ok()) << parts.status();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ(Values((*parts)[0][0].second), (std::vector<float>{0}));
  EXPECT_EQ(Values((*parts)[1][0].second), (std::vector<float>{1, 2}));
  EXPECT_EQ((*parts)[1][0].second.data<float>(), outputs[0].second.data<float>() + 1);  // a view
  EXPECT_FALSE(SplitOutputs(outputs, {3, 2}).ok());
}

TEST(BatchTensorsTest, RowsMustAgree) {
  EXPECT_EQ(*BatchRows({{"a", Floats({3, 1}, 0)}, {"b", Floats({3}, 0)}}), 3);
  EXPECT_FALSE(BatchRows({{"a", Floats({3, 1}, 0)}, {"b", Floats({2}, 0)}}).ok());
  EXPECT_FALSE(BatchRows({{"a", Floats({}, 0)}}).ok());
}

TEST(BatchTensorsTest, SliceAndJoinRoundTrip) {
  NamedTensors inputs = {{"x", Floats({5, 2}, 0)}};
  std::vector<NamedTensors> parts = {SliceRows(inputs, 0, 2), SliceRows(inputs, 2, 5)};
  auto joined = JoinOutputs(parts);
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_EQ(Values((*joined)[0].second), Values(inputs[0].second));
}

}  // namespace
}  // namespace serval
