// InferenceService's instrumentation: every request it answers is counted under the servable's
// model and version, by outcome, with its end-to-end time.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "metrics/metrics_registry.h"
#include "repository/model_repository.h"
#include "serving/inference_service.h"
#include "testing/fake_backend.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

Tensor Floats(Shape shape) { return Tensor::Zeros(DataType::kFp32, std::move(shape)); }

class InferenceServiceMetricsTest : public ::testing::Test {
 protected:
  void Start(size_t max_queued = 1024) {
    auto backend = std::make_unique<testing::FakeBackend>();
    backend_ = backend.get();
    backends_.Register(std::move(backend));
    testing::WriteFakeModel(dir_.Join("m"), 3);
    ServableManagerOptions options;
    options.servable.max_queued_requests = max_queued;
    manager_ = std::make_unique<ServableManager>(backends_, options);
    ASSERT_TRUE(
        manager_
            ->SetModels(DefaultModelSettings(*ModelRepository::ForDirectory(dir_.path()).Scan()))
            .ok());
    manager_->WaitUntilSettled();
    service_ = std::make_unique<InferenceService>(*manager_, &metrics_);
  }

  absl::Status Infer(InferenceRequest request) {
    auto servable = service_->Resolve(request.model);
    if (!servable.ok()) return servable.status();
    absl::Notification done;
    absl::Status result;
    service_->Infer(*servable, std::move(request), [&](absl::StatusOr<InferenceResponse> r) {
      result = r.status();
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  const ModelMetrics& m3() { return metrics_.ForModel("m", 3); }

  TempDir dir_;
  BackendRegistry backends_;
  testing::FakeBackend* backend_ = nullptr;
  MetricsRegistry metrics_;
  std::unique_ptr<ServableManager> manager_;
  std::unique_ptr<InferenceService> service_;
};

TEST_F(InferenceServiceMetricsTest, CountsEachOutcomeWithItsDuration) {
  Start();
  EXPECT_TRUE(Infer({.model = {.name = "m"}, .inputs = {{"x", Floats({2, 3})}}}).ok());
  EXPECT_TRUE(Infer({.model = {.name = "m"}, .inputs = {{"x", Floats({1, 1})}}}).ok());
  // Validation failures: a wrong input name, an unknown signature, an unknown output.
  EXPECT_EQ(Infer({.model = {.name = "m"}, .inputs = {{"z", Floats({1, 1})}}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      Infer({.model = {.name = "m", .signature_name = "nope"}, .inputs = {{"x", Floats({1, 1})}}})
          .code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      Infer({.model = {.name = "m"}, .inputs = {{"x", Floats({1, 1})}}, .output_filter = {"nope"}})
          .code(),
      absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(m3().requests(absl::StatusCode::kOk), 2u);
  EXPECT_EQ(m3().requests(absl::StatusCode::kInvalidArgument), 3u);
  const HistogramSnapshot latency = m3().request_duration().Snapshot();
  EXPECT_EQ(latency.count, 5u);
  EXPECT_GT(latency.sum, 0);
  // Only the version that answered has metrics; a model that never resolved has none.
  EXPECT_EQ(metrics_.Find("m", 1), nullptr);
  EXPECT_EQ(Infer({.model = {.name = "unknown"}}).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(metrics_.Find("unknown", 0), nullptr);
}

TEST_F(InferenceServiceMetricsTest, CountsRequestsRefusedByAFullQueue) {
  Start(/*max_queued=*/1);
  testing::Gate& gate = backend_->CloseGate();
  auto servable = *service_->Resolve({.name = "m"});
  std::atomic<int> completed = 0;
  auto submit = [&] {
    service_->Infer(servable, {.model = {.name = "m"}, .inputs = {{"x", Floats({1, 1})}}},
                    [&](absl::StatusOr<InferenceResponse>) { ++completed; });
  };
  submit();  // taken by the instance, held at the gate
  while (gate.waiting() == 0) std::this_thread::yield();
  submit();  // queued
  submit();  // refused at once
  EXPECT_EQ(m3().requests(absl::StatusCode::kResourceExhausted), 1u);
  EXPECT_EQ(m3().requests(absl::StatusCode::kOk), 0u);
  gate.Open();
  while (completed < 3) std::this_thread::yield();
  EXPECT_EQ(m3().requests(absl::StatusCode::kOk), 2u);
  EXPECT_EQ(m3().request_duration().Snapshot().count, 3u);
}

}  // namespace
}  // namespace serval
