#include "serving/inference_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "absl/synchronization/notification.h"
#include "testing/fake_backend.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

using ::testing::HasSubstr;

Tensor Floats(Shape shape) { return Tensor::Zeros(DataType::kFp32, std::move(shape)); }

class InferenceServiceTest : public ::testing::Test {
 protected:
  void Start(size_t max_queued = 1024) {
    auto backend = std::make_unique<testing::FakeBackend>();
    backend_ = backend.get();
    backends_.Register(std::move(backend));
    testing::WriteFakeModel(dir_.Join("m"), 1);
    WriteFile(dir_.Join("two/1/model"), "");
    WriteFile(dir_.Join("two/config.yaml"), R"(platform: fake
inputs:
  - {name: a, dtype: fp32, shape: [-1, 2]}
  - {name: b, dtype: int64, shape: [-1]}
outputs:
  - {name: first, dtype: fp32}
  - {name: second, dtype: int64}
)");
    ServableManagerOptions options;
    options.servable.max_queued_requests = max_queued;
    manager_ = std::make_unique<ServableManager>(backends_, options);
    ASSERT_TRUE(manager_
                    ->SetModels(DefaultModelSettings(
                        *ModelRepository::ForDirectory(dir_.path()).Scan()))
                    .ok());
    manager_->WaitUntilSettled();
    service_ = std::make_unique<InferenceService>(*manager_);
  }

  absl::StatusOr<InferenceResponse> Infer(InferenceRequest request) {
    auto servable = service_->Resolve(request.model);
    if (!servable.ok()) return servable.status();
    absl::Notification done;
    absl::StatusOr<InferenceResponse> result;
    service_->Infer(*servable, std::move(request), [&](absl::StatusOr<InferenceResponse> r) {
      result = std::move(r);
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  TempDir dir_;
  BackendRegistry backends_;
  testing::FakeBackend* backend_ = nullptr;
  std::unique_ptr<ServableManager> manager_;
  std::unique_ptr<InferenceService> service_;
};

TEST_F(InferenceServiceTest, RunsAndNamesOutputs) {
  Start();
  auto response = Infer({.model = {.name = "m"}, .inputs = {{"x", Floats({2, 3})}}});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->model_name, "m");
  EXPECT_EQ(response->model_version, 1);
  ASSERT_EQ(response->outputs.size(), 1u);
  EXPECT_EQ(response->outputs[0].first, "y");
  EXPECT_EQ(response->outputs[0].second.shape(), (Shape{2, 3}));
  EXPECT_TRUE(service_->IsReady());
}

TEST_F(InferenceServiceTest, OutputsComeInSignatureOrderAndCanBeFiltered) {
  Start();
  Tensor ints = Tensor::Zeros(DataType::kInt64, {3});
  auto all = Infer({.model = {.name = "two"}, .inputs = {{"b", ints}, {"a", Floats({3, 2})}}});
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->outputs.size(), 2u);
  EXPECT_EQ(all->outputs[0].first, "first");
  EXPECT_EQ(all->outputs[1].first, "second");
  auto filtered = Infer({.model = {.name = "two"},
                         .inputs = {{"a", Floats({3, 2})}, {"b", ints}},
                         .output_filter = {"second"}});
  ASSERT_TRUE(filtered.ok()) << filtered.status();
  ASSERT_EQ(filtered->outputs.size(), 1u);
  EXPECT_EQ(filtered->outputs[0].first, "second");
  auto unknown = Infer({.model = {.name = "two"},
                        .inputs = {{"a", Floats({3, 2})}, {"b", ints}},
                        .output_filter = {"third"}});
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("unknown output 'third'"));
}

TEST_F(InferenceServiceTest, RejectsInputsThatDoNotMatchTheSignature) {
  Start();
  auto message = [this](NamedTensors inputs) {
    auto r = Infer({.model = {.name = "two"}, .inputs = std::move(inputs)});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(r.status().message());
  };
  Tensor ints = Tensor::Zeros(DataType::kInt64, {3});
  EXPECT_THAT(message({{"a", Floats({3, 2})}}), HasSubstr("missing input 'b'"));
  EXPECT_THAT(message({{"a", Floats({3, 2})}, {"b", ints}, {"c", ints}}),
              HasSubstr("unknown input 'c'; the model takes: a, b"));
  EXPECT_THAT(message({{"a", Floats({3, 2})}, {"a", Floats({3, 2})}}), HasSubstr("given twice"));
  EXPECT_THAT(message({{"a", Floats({3, 3})}, {"b", ints}}),
              HasSubstr("expects shape [-1, 2] but received [3, 3]"));
  EXPECT_THAT(message({{"a", Floats({3, 2})}, {"b", Floats({3})}}),
              HasSubstr("'b' expects dtype int64 but received fp32"));
}

TEST_F(InferenceServiceTest, UnknownSignatureName) {
  Start();
  auto r = Infer({.model = {.name = "m", .signature_name = "classify"},
                  .inputs = {{"x", Floats({1, 1})}}});
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("Serving signature name: \"classify\" not found"));
  EXPECT_TRUE(Infer({.model = {.name = "m", .signature_name = "serving_default"},
                     .inputs = {{"x", Floats({1, 1})}}})
                  .ok());
}

TEST_F(InferenceServiceTest, AFullQueueIsRefusedAtOnce) {
  Start(/*max_queued=*/1);
  testing::Gate& gate = backend_->CloseGate();
  auto servable = *service_->Resolve({.name = "m"});
  std::atomic<int> completed = 0;
  std::vector<absl::Status> results(3);
  auto submit = [&](int i) {
    service_->Infer(servable, {.model = {.name = "m"}, .inputs = {{"x", Floats({1, 1})}}},
                    [&, i](absl::StatusOr<InferenceResponse> r) {
                      results[i] = r.status();
                      ++completed;
                    });
  };
  submit(0);  // taken by the instance, held at the gate
  while (gate.waiting() == 0) std::this_thread::yield();
  submit(1);  // queued
  submit(2);  // refused
  EXPECT_EQ(results[2].code(), absl::StatusCode::kResourceExhausted);
  gate.Open();
  while (completed < 3) std::this_thread::yield();
  EXPECT_TRUE(results[0].ok());
  EXPECT_TRUE(results[1].ok());
}

}  // namespace
}  // namespace serval
