#ifndef SERVAL_CONFIG_MONITORING_CONFIG_FILE_H_
#define SERVAL_CONFIG_MONITORING_CONFIG_FILE_H_

// TF Serving's --monitoring_config_file: the text form of tensorflow.serving.MonitoringConfig
// (shared/docs/protocols.md 2.11), turned into Serval's Prometheus endpoint.
//
//   prometheus_config { enable: true, path: "/monitoring/prometheus/metrics" }
//       -> "/monitoring/prometheus/metrics"
//
// `enable: false` (or no prometheus_config) -> "" (no metrics endpoint); `enable: true` without a
// path -> TF Serving's default "/monitoring/prometheus/metrics". Thread safety: pure functions.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace serval {

// INVALID_ARGUMENT "SOURCE:LINE:COLUMN: ..." for bad text or a path not starting with '/'.
absl::StatusOr<std::string> ParseMonitoringConfig(std::string_view text,
                                                  std::string_view source_name);

// ParseMonitoringConfig of the file at `path`; NOT_FOUND when it does not exist.
absl::StatusOr<std::string> ReadMonitoringConfigFile(const std::string& path);

}  // namespace serval

#endif  // SERVAL_CONFIG_MONITORING_CONFIG_FILE_H_
