#include "config/monitoring_config_file.h"

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "config/text_file.h"
#include "config/text_proto.h"
#include "tensorflow_serving/config/monitoring_config.pb.h"

namespace serval {

absl::StatusOr<std::string> ParseMonitoringConfig(std::string_view text,
                                                  std::string_view source_name) {
  tensorflow::serving::MonitoringConfig proto;
  RETURN_IF_ERROR(ParseTextProto(text, source_name, proto));
  const tensorflow::serving::PrometheusConfig& prometheus = proto.prometheus_config();
  if (!prometheus.enable()) return std::string();
  if (prometheus.path().empty()) return std::string("/monitoring/prometheus/metrics");
  if (prometheus.path().front() != '/') {
    return absl::InvalidArgumentError(StrCat(source_name,
                                             ": prometheus_config.path must start with '/', got '",
                                             prometheus.path(), "'"));
  }
  return prometheus.path();
}

absl::StatusOr<std::string> ReadMonitoringConfigFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  return ParseMonitoringConfig(text, path);
}

}  // namespace serval
