#include "tools/grpc_bench.h"

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "tools/grpc_load_generator.h"
#include "tools/grpc_request.h"
#include "tools/grpc_target.h"

namespace serval {
namespace {

// As many different requests as the REST mode sends bodies.
constexpr int kRandomRequests = 16;

std::string WhatIsSent(const BenchOptions& options) {
  if (options.protocol == GrpcProtocol::kKServe) {
    return StrCat("model ", options.model, ", raw_input_contents");
  }
  return StrCat("model ", options.model, ", ", TensorEncodingName(options.tensor_encoding),
                " tensors");
}

}  // namespace

absl::StatusOr<BenchPlan> PlanGrpcBench(const BenchOptions& options) {
  absl::StatusOr<GrpcTarget> target = ParseGrpcTarget(options.grpc);
  if (!target.ok()) {
    return absl::InvalidArgumentError(StrCat("--grpc: ", target.status().message()));
  }
  GrpcRequestOptions request_options;
  request_options.protocol = options.protocol;
  request_options.encoding = options.tensor_encoding;
  request_options.model = options.model;
  request_options.version = options.version;
  std::mt19937_64 random(options.seed);
  absl::StatusOr<std::vector<std::string>> requests =
      MakeRandomGrpcRequests(options.input_specs, request_options, kRandomRequests, random);
  if (!requests.ok()) {
    return absl::InvalidArgumentError(StrCat("--input_spec: ", requests.status().message()));
  }

  GrpcLoadOptions load;
  load.target = target->Address();
  load.method = std::string(GrpcMethod(options.protocol));
  load.requests = *std::move(requests);
  load.warmup = options.warmup;
  load.duration = options.duration;
  load.timeout = options.timeout;
  load.threads = options.threads;
  load.max_in_flight = options.max_connections;
  load.poisson = options.poisson;
  load.seed = options.seed;

  BenchPlan plan;
  plan.report.mode = "grpc";
  const std::string url = StrCat("grpc://", load.target, load.method);
  plan.report.target = StrCat(url, " (", WhatIsSent(options), ")");
  plan.description = DescribeNetworkBench(options, url, WhatIsSent(options), load.requests);
  ASSIGN_OR_RETURN(std::unique_ptr<GrpcLoadGenerator> generator,
                   GrpcLoadGenerator::Create(std::move(load)));
  PlanNetworkLevels(options, std::move(generator), plan);
  return plan;
}

}  // namespace serval
