#ifndef SERVAL_TESTING_PROMETHEUS_SAMPLE_H_
#define SERVAL_TESTING_PROMETHEUS_SAMPLE_H_

// Reading one sample of a running server's GET /metrics, for integration tests that wait on what
// the server reports (a request started, a queue filled) instead of sleeping.
//
//   HttpClient http(server.port());
//   ASSERT_TRUE(WaitForPrometheusSample(
//       http, R"(serval_queue_depth{model="m",version="1"})", 1));

#include <string_view>

#include "testing/http_client.h"

namespace serval {

// The value of the sample whose line starts with `series` (the name and labels, exactly as
// written), or -1 when there is none or /metrics does not answer.
double PrometheusSample(HttpClient& http, std::string_view series);

// Polls `series` for up to 10 s until it reads `value`.
bool WaitForPrometheusSample(HttpClient& http, std::string_view series, double value);

}  // namespace serval

#endif  // SERVAL_TESTING_PROMETHEUS_SAMPLE_H_
