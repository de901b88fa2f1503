#include "core/status_codes.h"

#include <gtest/gtest.h>

namespace serval {
namespace {

TEST(StatusCodesTest, MapsToHttpAsTfServing) {
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kOk), 200);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kCancelled), 499);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kUnknown), 500);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kDeadlineExceeded), 504);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kFailedPrecondition), 400);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kAborted), 409);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kOutOfRange), 400);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kUnimplemented), 501);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kInternal), 500);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kDataLoss), 500);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kUnauthenticated), 401);
}

TEST(StatusCodesTest, MapsToHttpAsTritonForKServe) {
  EXPECT_EQ(KServeHttpStatusFromCode(absl::StatusCode::kOk), 200);
  EXPECT_EQ(KServeHttpStatusFromCode(absl::StatusCode::kInternal), 500);
  EXPECT_EQ(KServeHttpStatusFromCode(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(KServeHttpStatusFromCode(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(KServeHttpStatusFromCode(absl::StatusCode::kUnimplemented), 501);
  // Triton reports a full queue and a passed deadline as UNAVAILABLE.
  EXPECT_EQ(KServeHttpStatusFromCode(absl::StatusCode::kResourceExhausted), 503);
  EXPECT_EQ(KServeHttpStatusFromCode(absl::StatusCode::kDeadlineExceeded), 503);
  // Everything else is the client's: 400.
  for (absl::StatusCode code :
       {absl::StatusCode::kInvalidArgument, absl::StatusCode::kFailedPrecondition,
        absl::StatusCode::kCancelled, absl::StatusCode::kUnknown, absl::StatusCode::kAlreadyExists,
        absl::StatusCode::kOutOfRange, absl::StatusCode::kAborted,
        absl::StatusCode::kPermissionDenied, absl::StatusCode::kUnauthenticated,
        absl::StatusCode::kDataLoss}) {
    EXPECT_EQ(KServeHttpStatusFromCode(code), 400) << StatusCodeName(code);
  }
}

TEST(StatusCodesTest, NamesAsTensorFlowErrorCodes) {
  EXPECT_EQ(StatusCodeName(absl::StatusCode::kOk), "OK");
  EXPECT_EQ(StatusCodeName(absl::StatusCode::kInvalidArgument), "INVALID_ARGUMENT");
  EXPECT_EQ(StatusCodeName(absl::StatusCode::kNotFound), "NOT_FOUND");
  EXPECT_EQ(StatusCodeName(absl::StatusCode::kDataLoss), "DATA_LOSS");
}

}  // namespace
}  // namespace serval
