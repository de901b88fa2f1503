#include "protocol/management_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace serval {
namespace {

using ::testing::HasSubstr;

VersionInfo Version(int64_t version, ServableState state, absl::Status status = {}) {
  VersionInfo info;
  info.status = ServableVersionStatus{version, state, std::move(status)};
  info.path = "/models/m/" + std::to_string(version);
  return info;
}

ModelInfo Model(std::string name) {
  ModelInfo model;
  model.settings.name = std::move(name);
  model.settings.base_path = "/models/" + model.settings.name;
  return model;
}

const absl::Time kNow = absl::FromUnixSeconds(1000);

TEST(ManagementJsonTest, WritesAModelWithItsVersionsLabelsAndTraffic) {
  ModelInfo model = Model("m");
  model.settings.labels = {{"canary", 3}, {"stable", 2}};
  model.settings.traffic = {{"canary", 10}, {"stable", 90}};
  model.pending_labels = {{"canary", 3}};
  VersionInfo loading = Version(3, ServableState::kLoading);
  VersionInfo serving = Version(2, ServableState::kAvailable);
  serving.load_time = absl::Microseconds(12500);
  serving.warmup_time = absl::Microseconds(3100);
  model.versions = {loading, serving};
  EXPECT_EQ(WriteManagedModel(model, kNow),
            R"({"name":"m","base_path":"/models/m","version_policy":"latest: 1","loaded":true,)"
            R"("labels":{"canary":3,"stable":2},"pending_labels":{"canary":3},)"
            R"("traffic":{"canary":10,"stable":90},"versions":[)"
            R"({"version":3,"state":"LOADING","path":"/models/m/3","load_ms":0.0,"warmup_ms":0.0,)"
            R"("failed_attempts":0},)"
            R"({"version":2,"state":"AVAILABLE","path":"/models/m/2","load_ms":12.5,)"
            R"("warmup_ms":3.1,"failed_attempts":0}]})");
}

TEST(ManagementJsonTest, WritesErrorsAndRetriesOnlyWhenThereAreAny) {
  ModelInfo model = Model("m");
  model.loaded = false;
  model.source_status = absl::NotFoundError("no such folder \"/models/m\"");
  VersionInfo failed = Version(1, ServableState::kEnd, absl::InternalError("corrupt"));
  failed.failed_attempts = 2;
  failed.next_retry = kNow + absl::Microseconds(1500);
  model.versions = {failed};
  const std::string json = WriteManagedModel(model, kNow);
  EXPECT_THAT(json, HasSubstr(R"("loaded":false,"source_error":"no such folder \"/models/m\"")"));
  EXPECT_THAT(json, HasSubstr(R"("error":"corrupt")"));
  EXPECT_THAT(json, HasSubstr(R"("failed_attempts":2,"next_retry_in_ms":2})"));  // rounded up

  failed.next_retry = kNow - absl::Seconds(1);  // overdue
  model.versions = {failed};
  EXPECT_THAT(WriteManagedModel(model, kNow), HasSubstr(R"("next_retry_in_ms":0})"));
}

TEST(ManagementJsonTest, WritesAListOfModels) {
  EXPECT_EQ(WriteManagedModelList({}, kNow), R"({"models":[]})");
  const std::string json = WriteManagedModelList({Model("a"), Model("b")}, kNow);
  EXPECT_THAT(json, HasSubstr(R"({"models":[{"name":"a",)"));
  EXPECT_THAT(json, HasSubstr(R"(]},{"name":"b",)"));
}

TEST(ManagementJsonTest, RepositoryIndexHasOneEntryPerVersionInTritonsStates) {
  ModelInfo m = Model("m");
  m.versions = {Version(4, ServableState::kUnloading), Version(3, ServableState::kLoading),
                Version(2, ServableState::kAvailable),
                Version(1, ServableState::kEnd, absl::InternalError("bad file"))};
  ModelInfo missing = Model("missing");
  missing.source_status = absl::NotFoundError("gone");
  EXPECT_EQ(WriteRepositoryIndex({m, missing}, /*ready_only=*/false),
            R"([{"name":"m","version":"4","state":"UNLOADING","reason":""},)"
            R"({"name":"m","version":"3","state":"LOADING","reason":""},)"
            R"({"name":"m","version":"2","state":"READY","reason":""},)"
            R"({"name":"m","version":"1","state":"UNAVAILABLE","reason":"bad file"},)"
            R"({"name":"missing","state":"UNAVAILABLE","reason":"gone"}])");
  EXPECT_EQ(WriteRepositoryIndex({m, missing}, /*ready_only=*/true),
            R"([{"name":"m","version":"2","state":"READY","reason":""}])");
}

TEST(ManagementJsonTest, ParsesALabelAssignment) {
  absl::StatusOr<LabelAssignment> plain = ParseLabelAssignment(R"({"version": 3})");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->version, 3);
  EXPECT_FALSE(plain->allow_unavailable);
  absl::StatusOr<LabelAssignment> forced =
      ParseLabelAssignment(R"({"allow_unavailable": true, "version": 7})");
  ASSERT_TRUE(forced.ok()) << forced.status();
  EXPECT_EQ(forced->version, 7);
  EXPECT_TRUE(forced->allow_unavailable);
}

TEST(ManagementJsonTest, BadLabelAssignmentsNameTheField) {
  const std::pair<std::string, std::string> cases[] = {
      {"{}", "missing field 'version'"},
      {R"({"version": "3"})", "field 'version' must be an integer"},
      {R"({"version": 2.5})", "field 'version' must be an integer"},
      {R"({"version": 0})", "field 'version' must be a positive integer"},
      {R"({"version": 1, "allow_unavailable": 1})", "field 'allow_unavailable' must be true"},
      {R"({"version": 1, "verison": 2})", "unknown field 'verison'"},
      {R"([1])", "must be a JSON object"},
      {R"({"version": )", "not valid JSON"},
      {"", "not valid JSON"},
  };
  for (const auto& [body, message] : cases) {
    absl::StatusOr<LabelAssignment> parsed = ParseLabelAssignment(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << body;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(message)) << body;
  }
}

TEST(ManagementJsonTest, ParsesTrafficWeights) {
  absl::StatusOr<std::map<std::string, int64_t>> weights =
      ParseTrafficWeights(R"({"stable": 90, "canary": 10, "off": 0})");
  ASSERT_TRUE(weights.ok()) << weights.status();
  EXPECT_EQ(*weights, (std::map<std::string, int64_t>{{"stable", 90}, {"canary", 10}, {"off", 0}}));
  absl::StatusOr<std::map<std::string, int64_t>> cleared = ParseTrafficWeights("{}");
  ASSERT_TRUE(cleared.ok()) << cleared.status();
  EXPECT_TRUE(cleared->empty());
}

TEST(ManagementJsonTest, BadTrafficWeightsNameTheLabel) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"canary": -1})", "traffic weight of label 'canary' must not be negative"},
      {R"({"canary": 0.5})", "traffic weight of label 'canary' must be an integer"},
      {R"({"canary": "10"})", "traffic weight of label 'canary' must be an integer"},
      {R"({"a": 1, "a": 2})", "label 'a' appears twice"},
      {R"([["stable", 90]])", "must be a JSON object"},
      {"stable=90", "not valid JSON"},
  };
  for (const auto& [body, message] : cases) {
    absl::StatusOr<std::map<std::string, int64_t>> parsed = ParseTrafficWeights(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << body;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(message)) << body;
  }
}

TEST(ManagementJsonTest, ParsesTheRepositoryIndexRequest) {
  EXPECT_EQ(ParseRepositoryIndexReadyOnly("").value(), false);
  EXPECT_EQ(ParseRepositoryIndexReadyOnly(" \n").value(), false);
  EXPECT_EQ(ParseRepositoryIndexReadyOnly("{}").value(), false);
  EXPECT_EQ(ParseRepositoryIndexReadyOnly(R"({"ready": true})").value(), true);
  EXPECT_EQ(ParseRepositoryIndexReadyOnly(R"({"ready": false, "other": 1})").value(), false);
  absl::StatusOr<bool> wrong_type = ParseRepositoryIndexReadyOnly(R"({"ready": "yes"})");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_THAT(std::string(wrong_type.status().message()), HasSubstr("field 'ready'"));
  EXPECT_FALSE(ParseRepositoryIndexReadyOnly("{").ok());
}

}  // namespace
}  // namespace serval
