// The in-process mode: inputs from the signature, the Execute loop, and the whole mode through
// RunBench with the fake backend.

#include "tools/batch_sweep.h"

#include <simdjson.h>

#include <fstream>
#include <sstream>

#include "backend/backend_registry.h"
#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_backend.h"
#include "testing/temp_dir.h"
#include "tools/bench_run.h"
#include "tools/input_spec.h"

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TensorSpec Spec(std::string name, DataType dtype, Shape shape, bool has_shape = true) {
  TensorSpec spec;
  spec.name = std::move(name);
  spec.dtype = dtype;
  spec.shape = std::move(shape);
  spec.has_shape = has_shape;
  return spec;
}

Signature TestSignature() {
  Signature signature;
  signature.inputs = {Spec("x", DataType::kFp32, {-1, -1, 3}), Spec("ids", DataType::kInt64, {-1}),
                      Spec("any", DataType::kFp32, {}, false)};
  return signature;
}

// Counts calls and fails from call `fail_at` on (0: never).
class CountingInstance : public ModelInstance {
 public:
  explicit CountingInstance(int fail_at = 0) : fail_at_(fail_at) {}
  absl::StatusOr<NamedTensors> Execute(const NamedTensors& inputs) override {
    ++calls_;
    if (fail_at_ > 0 && calls_ >= fail_at_) return absl::InvalidArgumentError("bad shape for x");
    last_shape_ = inputs.front().second.shape();
    return inputs;
  }
  int calls() const { return calls_; }
  const Shape& last_shape() const { return last_shape_; }

 private:
  const int fail_at_;
  int calls_ = 0;
  Shape last_shape_;
};

BatchSweepOptions ShortSweep() {
  BatchSweepOptions options;
  options.warmup = absl::Milliseconds(20);
  options.duration = absl::Milliseconds(100);
  return options;
}

TEST(MakeBenchInputsTest, FreeDimensionsAreOneExceptTheBatch) {
  std::mt19937_64 random(1);
  absl::StatusOr<NamedTensors> inputs = MakeBenchInputs(TestSignature(), 4, {}, random);
  ASSERT_TRUE(inputs.ok()) << inputs.status();
  ASSERT_EQ(inputs->size(), 3u);
  EXPECT_EQ((*inputs)[0].first, "x");
  EXPECT_THAT((*inputs)[0].second.shape(), ElementsAre(4, 1, 3));
  EXPECT_EQ((*inputs)[1].second.dtype(), DataType::kInt64);
  EXPECT_THAT((*inputs)[1].second.shape(), ElementsAre(4));
  EXPECT_THAT((*inputs)[2].second.shape(), ElementsAre(4));  // unknown rank
}

TEST(MakeBenchInputsTest, InputSpecOverridesShapesButNotTheBatch) {
  std::mt19937_64 random(1);
  absl::StatusOr<std::vector<TensorSpec>> overrides =
      ParseInputSpecs("x:fp32[1,16,3],any:int32[1,2]");
  ASSERT_TRUE(overrides.ok());
  absl::StatusOr<NamedTensors> inputs = MakeBenchInputs(TestSignature(), 8, *overrides, random);
  ASSERT_TRUE(inputs.ok()) << inputs.status();
  EXPECT_THAT((*inputs)[0].second.shape(), ElementsAre(8, 16, 3));
  EXPECT_THAT((*inputs)[1].second.shape(), ElementsAre(8));
  // A signature that does not know the input's dtype takes the spec's.
  EXPECT_EQ((*inputs)[2].second.dtype(), DataType::kInt32);
  EXPECT_THAT((*inputs)[2].second.shape(), ElementsAre(8, 2));
}

TEST(MakeBenchInputsTest, OverridesMustFitTheSignature) {
  std::mt19937_64 random(1);
  absl::StatusOr<NamedTensors> inputs =
      MakeBenchInputs(TestSignature(), 1, *ParseInputSpecs("y:fp32[1]"), random);
  ASSERT_FALSE(inputs.ok());
  EXPECT_THAT(std::string(inputs.status().message()),
              HasSubstr("no input 'y' (it has: x ids any)"));
  inputs = MakeBenchInputs(TestSignature(), 1, *ParseInputSpecs("ids:fp32[1]"), random);
  ASSERT_FALSE(inputs.ok());
  EXPECT_THAT(std::string(inputs.status().message()), HasSubstr("'ids' is int64, not fp32"));
}

TEST(RunBatchLevelTest, MeasuresItemsAndLatency) {
  CountingInstance instance;
  std::mt19937_64 random(1);
  const NamedTensors inputs = *MakeBenchInputs(TestSignature(), 16, {}, random);
  int progress_calls = 0;
  const LevelResult result = RunBatchLevel(instance, inputs, 16, ShortSweep(),
                                           [&](const LevelProgress&) { ++progress_calls; });
  EXPECT_EQ(result.kind, LoadKind::kBatchSize);
  EXPECT_EQ(result.level, 16);
  EXPECT_EQ(result.items_per_request, 16);
  EXPECT_GT(result.requests, 0);
  EXPECT_LT(result.requests, instance.calls());  // the warm-up calls are not measured
  EXPECT_EQ(result.errors, 0);
  EXPECT_EQ(result.latency.count, result.requests);
  EXPECT_GT(result.seconds, 0);
  EXPECT_DOUBLE_EQ(result.Throughput(), 16.0 * result.requests / result.seconds);
  EXPECT_LE(result.latency.p50_ms, result.latency.p99_ms);
  EXPECT_LE(result.latency.p99_ms, result.latency.max_ms);
  EXPECT_THAT(instance.last_shape(), ElementsAre(16, 1, 3));
  EXPECT_EQ(progress_calls, instance.calls());
}

TEST(RunBatchLevelTest, TheFirstFailureEndsTheLevel) {
  CountingInstance instance(/*fail_at=*/3);
  std::mt19937_64 random(1);
  BatchSweepOptions options = ShortSweep();
  options.warmup = absl::ZeroDuration();
  const LevelResult result =
      RunBatchLevel(instance, *MakeBenchInputs(TestSignature(), 2, {}, random), 2, options, {});
  EXPECT_EQ(instance.calls(), 3);
  EXPECT_EQ(result.requests, 3);
  EXPECT_EQ(result.errors, 1);
  EXPECT_EQ(result.first_error, "bad shape for x");
  EXPECT_EQ(result.latency.count, 2);
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(InProcessBenchTest, RunsEveryBatchSizeAndWritesTheReports) {
  TempDir dir;
  testing::WriteFakeModel(dir.Join("m"), 1);
  testing::WriteFakeModel(dir.Join("m"), 2);
  BackendRegistry registry;
  registry.Register(std::make_unique<testing::FakeBackend>());
  absl::StatusOr<BenchOptions> options = ParseBenchOptions(
      {StrCat("--model_base_path=", dir.Join("m")), "--version=1", "--batch_sizes=1,4",
       "--warmup=0", "--duration=100ms", StrCat("--output=", dir.Join("r.json")),
       StrCat("--svg=", dir.Join("c.svg"))});
  ASSERT_TRUE(options.ok()) << options.status();
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunBench(*options, registry, out, err, false), kBenchExitOk) << err.str();
  EXPECT_THAT(out.str(), HasSubstr("model m version 1 in process on cpu"));
  EXPECT_THAT(out.str(), HasSubstr("batch_size"));

  const std::string json = ReadFile(dir.Join("r.json"));
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(root["mode"].get_string().value()), "in_process");
  simdjson::dom::array levels = root["levels"].get_array().value();
  ASSERT_EQ(levels.size(), 2u);
  EXPECT_EQ(levels.at(1).value()["batch_size"].get_int64().value(), 4);
  EXPECT_EQ(levels.at(1).value()["items_per_request"].get_int64().value(), 4);
  EXPECT_EQ(levels.at(1).value()["errors"].get_int64().value(), 0);
  EXPECT_THAT(ReadFile(dir.Join("c.svg")), HasSubstr("b=4"));
}

TEST(InProcessBenchTest, ModelThatDoesNotLoadFails) {
  TempDir dir;
  testing::WriteFakeModel(dir.Join("m"), 1, /*corrupt=*/true);
  BackendRegistry registry;
  registry.Register(std::make_unique<testing::FakeBackend>());
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunBench(*ParseBenchOptions({StrCat("--model_base_path=", dir.Join("m"))}), registry,
                     out, err, false),
            kBenchExitFailed);
  EXPECT_THAT(err.str(), HasSubstr("serval bench: "));
  EXPECT_EQ(
      RunBench(*ParseBenchOptions({StrCat("--model_base_path=", dir.Join("m")), "--version=7"}),
               registry, out, err, false),
      kBenchExitFailed);
  EXPECT_THAT(err.str(), HasSubstr("has no version 7"));
}

}  // namespace
}  // namespace serval
