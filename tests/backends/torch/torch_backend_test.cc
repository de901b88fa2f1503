#include "backends/torch/torch_backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "repository/model_config.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

using ::testing::HasSubstr;

const std::string kExamples = std::string(SERVAL_TEST_MODELS) + "/examples";
const std::string kModels = std::string(SERVAL_TEST_MODELS) + "/tests";

Tensor Floats(Shape shape, std::vector<float> values) {
  Tensor t = Tensor::Zeros(DataType::kFp32, std::move(shape));
  std::copy(values.begin(), values.end(), t.mutable_data<float>());
  return t;
}

class TorchBackendTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(ConfigureTorchThreads(1).ok()); }

  absl::StatusOr<std::unique_ptr<Model>> Load(const std::string& version_path,
                                              std::optional<Signature> declared = std::nullopt) {
    return backend_->Load({"test", version_path, std::move(declared)});
  }

  // A version folder holding a copy of test model `name`.
  std::string VersionWith(const std::string& name) {
    std::string version = dir_.Join(name + "/1");
    std::filesystem::create_directories(version);
    std::filesystem::copy_file(kModels + "/" + name + "/model.pt", version + "/model.pt");
    return version;
  }

  absl::StatusOr<NamedTensors> Run(Model& model, const NamedTensors& inputs) {
    auto instance = model.CreateInstance("cpu");
    if (!instance.ok()) return instance.status();
    return (*instance)->Execute(inputs);
  }

  std::unique_ptr<Backend> backend_ = CreateTorchBackend();
  TempDir dir_;
};

TEST_F(TorchBackendTest, HalfPlusTwoWithDeclaredSignature) {
  auto config = ReadModelConfig(kExamples + "/half_plus_two");
  ASSERT_TRUE(config.ok()) << config.status();
  auto model = Load(kExamples + "/half_plus_two/1", config->signature);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->signature().inputs[0].name, "x");
  auto outputs = Run(**model, {{"x", Floats({3, 1}, {1, 2, 5})}});
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  ASSERT_EQ(outputs->size(), 1u);
  EXPECT_EQ((*outputs)[0].first, "y");
  const Tensor& y = (*outputs)[0].second;
  EXPECT_EQ(y.shape(), (Shape{3, 1}));
  EXPECT_EQ(y.dtype(), DataType::kFp32);
  EXPECT_FLOAT_EQ(y.data<float>()[0], 2.5f);
  EXPECT_FLOAT_EQ(y.data<float>()[2], 4.5f);
}

TEST_F(TorchBackendTest, SignatureFromForwardWithoutConfig) {
  auto model = Load(VersionWith("add_sub"));
  ASSERT_TRUE(model.ok()) << model.status();
  const Signature& signature = (*model)->signature();
  ASSERT_EQ(signature.inputs.size(), 2u);
  EXPECT_EQ(signature.inputs[0].name, "a");
  EXPECT_EQ(signature.inputs[1].name, "b");
  EXPECT_FALSE(signature.inputs[0].has_shape);
  ASSERT_EQ(signature.outputs.size(), 2u);
  EXPECT_EQ(signature.outputs[1].name, "output_1");
  // Inputs are matched by name, whatever order they come in.
  auto outputs = Run(**model, {{"b", Floats({2}, {1, 1})}, {"a", Floats({2}, {5, 7})}});
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_EQ((*outputs)[0].first, "output_0");
  EXPECT_FLOAT_EQ((*outputs)[0].second.data<float>()[1], 8.0f);
  EXPECT_FLOAT_EQ((*outputs)[1].second.data<float>()[1], 6.0f);
}

TEST_F(TorchBackendTest, DictOutputsAreNamedByKey) {
  auto model = Load(VersionWith("double_square"));
  ASSERT_TRUE(model.ok()) << model.status();
  auto outputs = Run(**model, {{"x", Floats({2}, {3, 4})}});
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  ASSERT_EQ(outputs->size(), 2u);
  EXPECT_EQ((*outputs)[0].first, "double");
  EXPECT_EQ((*outputs)[1].first, "square");
  EXPECT_FLOAT_EQ((*outputs)[1].second.data<float>()[1], 16.0f);
}

TEST_F(TorchBackendTest, AnOutputThatAliasesItsInputOutlivesTheInput) {
  auto model = Load(VersionWith("identity"));
  ASSERT_TRUE(model.ok()) << model.status();
  absl::StatusOr<NamedTensors> outputs;
  {
    NamedTensors inputs = {{"x", Floats({3}, {1, 2, 3})}};
    outputs = Run(**model, inputs);
  }  // the request's own tensors are gone
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_FLOAT_EQ((*outputs)[0].second.data<float>()[2], 3.0f);
}

TEST_F(TorchBackendTest, IntegerTensorsKeepTheirDtype) {
  auto model = Load(VersionWith("times_two_int"));
  ASSERT_TRUE(model.ok()) << model.status();
  Tensor ids = Tensor::Zeros(DataType::kInt64, {2});
  ids.mutable_data<int64_t>()[1] = 21;
  auto outputs = Run(**model, {{"ids", ids}});
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_EQ((*outputs)[0].second.dtype(), DataType::kInt64);
  EXPECT_EQ((*outputs)[0].second.data<int64_t>()[1], 42);
}

TEST_F(TorchBackendTest, ConfigNamesThatAreNotArgumentNamesMapByPosition) {
  Signature declared;
  declared.inputs = {{"left"}, {"right"}};
  declared.outputs = {{"sum"}, {"difference"}};
  auto model = Load(VersionWith("add_sub"), declared);
  ASSERT_TRUE(model.ok()) << model.status();
  auto outputs = Run(**model, {{"left", Floats({1}, {5})}, {"right", Floats({1}, {2})}});
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_EQ((*outputs)[1].first, "difference");
  EXPECT_FLOAT_EQ((*outputs)[1].second.data<float>()[0], 3.0f);
}

TEST_F(TorchBackendTest, DeclaredInputCountMustMatchForward) {
  Signature declared;
  declared.inputs = {{"x"}};
  auto model = Load(VersionWith("add_sub"), declared);
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(model.status().message()), HasSubstr("declares 1 inputs"));
}

TEST_F(TorchBackendTest, CorruptFileIsAnErrorNotACrash) {
  std::string version = dir_.Join("corrupt/1");
  WriteFile(version + "/model.pt", "this is not a TorchScript archive");
  auto model = Load(version);
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(model.status().message()), HasSubstr("cannot load TorchScript model"));
}

TEST_F(TorchBackendTest, TruncatedFileIsAnErrorNotACrash) {
  std::string version = VersionWith("add_sub");
  std::filesystem::resize_file(version + "/model.pt", 300);
  EXPECT_EQ(Load(version).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TorchBackendTest, MissingFileIsNotFound) {
  std::string version = dir_.Join("empty/1");
  std::filesystem::create_directories(version);
  auto model = Load(version);
  EXPECT_EQ(model.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(model.status().message()), HasSubstr("no model.pt"));
}

TEST_F(TorchBackendTest, NonTensorArgumentsAreRejectedAtLoad) {
  auto model = Load(VersionWith("int_argument"));
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(model.status().message()), HasSubstr("argument 'n' has type int"));
}

TEST_F(TorchBackendTest, AnExceptionInTheModelBecomesAStatus) {
  auto model = Load(VersionWith("needs_four_columns"));
  ASSERT_TRUE(model.ok()) << model.status();
  auto outputs = Run(**model, {{"x", Floats({1, 2}, {1, 2})}});
  EXPECT_EQ(outputs.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(outputs.status().message()), HasSubstr("needs 4 columns"));
}

TEST_F(TorchBackendTest, BytesInputsAreRejected) {
  auto model = Load(VersionWith("double_square"));
  ASSERT_TRUE(model.ok());
  auto outputs = Run(**model, {{"x", Tensor::FromStrings({1}, {"a"})}});
  EXPECT_EQ(outputs.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TorchBackendTest, OnlyCpuDevicesInThisBuild) {
  auto model = Load(VersionWith("double_square"));
  ASSERT_TRUE(model.ok());
  EXPECT_EQ((*model)->CreateInstance("cuda:0").status().code(), absl::StatusCode::kUnimplemented);
}

TEST_F(TorchBackendTest, ThreadCountMustBePositive) {
  EXPECT_EQ(ConfigureTorchThreads(0).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace serval
