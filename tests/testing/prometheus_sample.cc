#include "testing/prometheus_sample.h"

#include <chrono>
#include <string>
#include <thread>

#include "common/str_cat.h"

namespace serval {

double PrometheusSample(HttpClient& http, std::string_view series) {
  auto metrics = http.Get("/metrics");
  if (!metrics.ok() || metrics->status != 200) return -1;
  const size_t at = metrics->body.find(StrCat("\n", series, " "));
  if (at == std::string::npos) return -1;
  return std::stod(metrics->body.substr(at + series.size() + 2));
}

bool WaitForPrometheusSample(HttpClient& http, std::string_view series, double value) {
  for (int i = 0; i < 1000; ++i) {
    if (PrometheusSample(http, series) == value) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace serval
