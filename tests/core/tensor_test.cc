#include "core/tensor.h"

#include <gtest/gtest.h>

namespace serval {
namespace {

TEST(TensorTest, ZerosAllocatesZeroedBuffer) {
  Tensor t = Tensor::Zeros(DataType::kFp32, {2, 3});
  EXPECT_EQ(t.num_elements(), 6);
  EXPECT_EQ(t.byte_size(), 24u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(t.data<float>()[i], 0.0f);
}

TEST(TensorTest, RankZeroHasOneElement) {
  Tensor t = Tensor::Zeros(DataType::kInt64, {});
  EXPECT_EQ(t.num_elements(), 1);
  EXPECT_EQ(t.byte_size(), 8u);
}

TEST(TensorTest, CopiesShareTheBuffer) {
  Tensor a = Tensor::Zeros(DataType::kInt32, {4});
  Tensor b = a;
  a.mutable_data<int32_t>()[2] = 7;
  EXPECT_EQ(b.data<int32_t>()[2], 7);
}

TEST(TensorTest, SliceIsAViewAlongDimensionZero) {
  Tensor t = Tensor::Zeros(DataType::kFp32, {4, 2});
  for (int i = 0; i < 8; ++i) t.mutable_data<float>()[i] = static_cast<float>(i);
  Tensor rows = t.Slice(1, 3);
  EXPECT_EQ(rows.shape(), (Shape{2, 2}));
  EXPECT_EQ(rows.data<float>()[0], 2.0f);
  EXPECT_EQ(rows.data<float>()[3], 5.0f);
  EXPECT_EQ(rows.raw_data(), t.data<float>() + 2);  // no copy
  EXPECT_EQ(t.Slice(4, 4).num_elements(), 0);
}

TEST(TensorTest, SliceKeepsBufferAliveAfterOriginalIsGone) {
  Tensor rows;
  {
    Tensor t = Tensor::Zeros(DataType::kFp64, {3});
    t.mutable_data<double>()[2] = 1.5;
    rows = t.Slice(2, 3);
  }
  EXPECT_EQ(rows.data<double>()[0], 1.5);
}

TEST(TensorTest, WrapSharesForeignMemoryAndKeepsOwnerAlive) {
  auto owner = std::make_shared<std::vector<float>>(std::vector<float>{1, 2, 3, 4});
  std::weak_ptr<std::vector<float>> watch = owner;
  Tensor t = Tensor::Wrap(DataType::kFp32, {2, 2}, owner, owner->data());
  owner.reset();
  EXPECT_FALSE(watch.expired());
  EXPECT_EQ(t.Slice(1, 2).data<float>()[1], 4.0f);
  t = Tensor();
  EXPECT_TRUE(watch.expired());
}

TEST(TensorTest, StringsAndTheirSlices) {
  Tensor t = Tensor::FromStrings({3}, {"a", "bb", "ccc"});
  EXPECT_EQ(t.dtype(), DataType::kString);
  ASSERT_EQ(t.strings().size(), 3u);
  EXPECT_EQ(t.Slice(1, 3).strings()[1], "ccc");
  EXPECT_EQ(t.byte_size(), 0u);
  Tensor zeros = Tensor::Zeros(DataType::kString, {2});
  EXPECT_EQ(zeros.strings()[1], "");
  EXPECT_TRUE(Tensor::Zeros(DataType::kFp32, {2}).strings().empty());
}

TEST(TensorTest, CheckedNumElementsRefusesNegativeAndOverflowingShapes) {
  EXPECT_EQ(CheckedNumElements({}), 1);
  EXPECT_EQ(CheckedNumElements({2, 3}), 6);
  EXPECT_EQ(CheckedNumElements({2, -1}), std::nullopt);
  EXPECT_EQ(CheckedNumElements({int64_t{1} << 40, int64_t{1} << 40}), std::nullopt);
  EXPECT_EQ(CheckedNumElements({int64_t{1} << 40, int64_t{1} << 40, 0}), 0);
  EXPECT_EQ(CheckedNumElements({int64_t{1} << 40, 0, -1}), std::nullopt);
}

TEST(TensorTest, ShapeToString) {
  EXPECT_EQ(ShapeToString({2, -1, 3}), "[2, -1, 3]");
  EXPECT_EQ(ShapeToString({}), "[]");
}

}  // namespace
}  // namespace serval
