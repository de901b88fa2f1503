#include "tools/rest_bench.h"

#include <fstream>
#include <memory>
#include <sstream>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "tools/http_target.h"
#include "tools/load_generator.h"
#include "tools/predict_body.h"

namespace serval {
namespace {

// Enough different bodies that a server cannot get away with caching one answer.
constexpr int kRandomBodies = 16;

absl::StatusOr<std::string> ReadRequestFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(StrCat("--request_file: cannot read ", path));
  std::ostringstream text;
  text << file.rdbuf();
  if (text.str().empty()) {
    return absl::InvalidArgumentError(StrCat("--request_file: ", path, " is empty"));
  }
  return text.str();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> MakeRestBodies(const BenchOptions& options) {
  if (!options.request_file.empty()) {
    ASSIGN_OR_RETURN(std::string body, ReadRequestFile(options.request_file));
    return std::vector<std::string>{std::move(body)};
  }
  std::mt19937_64 random(options.seed);
  std::vector<std::string> bodies;
  for (int i = 0; i < kRandomBodies; ++i) {
    absl::StatusOr<std::string> body =
        MakeRandomPredictBody(options.input_specs, options.body_format, random);
    if (!body.ok()) {
      return absl::InvalidArgumentError(StrCat("--input_spec: ", body.status().message()));
    }
    bodies.push_back(*std::move(body));
  }
  return bodies;
}

absl::StatusOr<BenchPlan> PlanRestBench(const BenchOptions& options) {
  absl::StatusOr<HttpTarget> target = ParseHttpTarget(options.url);
  if (!target.ok()) return absl::InvalidArgumentError(StrCat("--url: ", target.status().message()));
  const std::string path = PredictPath(*target, options.model, options.version);
  ASSIGN_OR_RETURN(std::vector<std::string> bodies, MakeRestBodies(options));

  BenchPlan plan;
  const std::string url = StrCat("http://", target->HostHeader(), path);
  plan.description = DescribeNetworkBench(options, url, "", bodies);

  HttpLoadOptions load;
  load.target = *target;
  for (const std::string& body : bodies)
    load.requests.push_back(SerializePost(*target, path, body));
  load.warmup = options.warmup;
  load.duration = options.duration;
  load.timeout = options.timeout;
  load.threads = options.threads;
  load.max_connections = options.max_connections;
  load.poisson = options.poisson;
  load.seed = options.seed;
  ASSIGN_OR_RETURN(std::unique_ptr<LoadGenerator> generator, LoadGenerator::Create(load));

  plan.report.mode = "rest";
  plan.report.target = url;
  PlanNetworkLevels(options, std::move(generator), plan);
  return plan;
}

}  // namespace serval
