// The REST mode end to end: the load generator against a real HttpServer on 127.0.0.1, port 0,
// for a few hundred milliseconds per level. No timing assertions: counts and error handling only.

#include "tools/load_generator.h"

#include <simdjson.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/http/http_server.h"
#include "testing/temp_dir.h"
#include "tools/bench_run.h"
#include "tools/http_target.h"

namespace serval {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kPath[] = "/v1/models/m:predict";
constexpr char kBody[] = R"({"instances":[[1.0,2.0]]})";

// A server whose handler answers predict POSTs of kBody with 200, or every `fail_every`-th one
// with 500, and counts them.
class TestServer {
 public:
  explicit TestServer(int fail_every = 0) : fail_every_(fail_every) {
    HttpServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Create(
        options, [this](HttpRequest request, HttpResponder respond) { Handle(request, respond); });
    EXPECT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  int port() const { return server_->port(); }
  int64_t received() const { return received_.load(); }
  int64_t malformed() const { return malformed_.load(); }
  void Stop() { server_->Stop(); }

 private:
  void Handle(const HttpRequest& request, const HttpResponder& respond) {
    HttpResponse response;
    if (request.method != "POST" || request.target != kPath || request.body != kBody ||
        request.Header("content-type") != "application/json") {
      malformed_.fetch_add(1);
      response.status = 400;
    }
    const int64_t count = received_.fetch_add(1) + 1;
    if (fail_every_ > 0 && count % fail_every_ == 0) {
      response.status = 500;
      response.body = R"({"error": "model exploded"})";
    } else {
      response.body = R"({"predictions":[[2.5]]})";
    }
    respond(std::move(response));
  }

  const int fail_every_;
  std::atomic<int64_t> received_{0};
  std::atomic<int64_t> malformed_{0};
  std::unique_ptr<HttpServer> server_;
};

HttpLoadOptions ShortLoad(int port) {
  HttpLoadOptions options;
  options.target.host = "127.0.0.1";
  options.target.port = port;
  options.requests = {SerializePost(options.target, kPath, kBody)};
  options.warmup = absl::Milliseconds(100);
  options.duration = absl::Milliseconds(300);
  options.timeout = absl::Seconds(10);
  return options;
}

std::unique_ptr<LoadGenerator> Generator(const HttpLoadOptions& options) {
  absl::StatusOr<std::unique_ptr<LoadGenerator>> generator = LoadGenerator::Create(options);
  EXPECT_TRUE(generator.ok()) << generator.status();
  return generator.ok() ? *std::move(generator) : nullptr;
}

void ExpectConsistent(const LevelResult& result) {
  EXPECT_GE(result.seconds, 0.3 - 1e-9);
  EXPECT_EQ(result.latency.count, result.requests - result.errors);
  EXPECT_LE(result.latency.min_ms, result.latency.p50_ms);
  EXPECT_LE(result.latency.p50_ms, result.latency.p90_ms);
  EXPECT_LE(result.latency.p90_ms, result.latency.p99_ms);
  EXPECT_LE(result.latency.p99_ms, result.latency.max_ms);
}

TEST(LoadGeneratorTest, ClosedLoopCountsAnsweredRequests) {
  TestServer server;
  std::unique_ptr<LoadGenerator> generator = Generator(ShortLoad(server.port()));
  ASSERT_NE(generator, nullptr);
  for (int concurrency : {1, 5}) {
    const int64_t before = server.received();
    int progress_calls = 0;
    absl::StatusOr<LevelResult> result = generator->RunLevel(
        LoadKind::kConcurrency, concurrency, [&](const LevelProgress&) { ++progress_calls; });
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->kind, LoadKind::kConcurrency);
    EXPECT_EQ(result->level, concurrency);
    EXPECT_GT(result->requests, 0);
    EXPECT_EQ(result->errors, 0) << result->first_error;
    EXPECT_EQ(result->first_error, "");
    // Warm-up requests reached the server too, but were not counted.
    EXPECT_GT(server.received() - before, result->requests);
    EXPECT_GT(progress_calls, 0);
    ExpectConsistent(*result);
  }
  EXPECT_EQ(server.malformed(), 0);
}

TEST(LoadGeneratorTest, OpenLoopSendsOnSchedule) {
  TestServer server;
  HttpLoadOptions options = ShortLoad(server.port());
  options.threads = 3;
  std::unique_ptr<LoadGenerator> generator = Generator(options);
  ASSERT_NE(generator, nullptr);
  absl::StatusOr<LevelResult> result = generator->RunLevel(LoadKind::kRate, 200, nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  // Requests due in the 300 ms window at 200/s, evenly spaced: 60, give or take rounding at the
  // window's edges. Each is waited for, however late the machine runs.
  EXPECT_GE(result->requests, 58);
  EXPECT_LE(result->requests, 62);
  EXPECT_EQ(result->errors, 0) << result->first_error;
  ExpectConsistent(*result);
}

TEST(LoadGeneratorTest, PoissonArrivals) {
  TestServer server;
  HttpLoadOptions options = ShortLoad(server.port());
  options.poisson = true;
  std::unique_ptr<LoadGenerator> generator = Generator(options);
  ASSERT_NE(generator, nullptr);
  absl::StatusOr<LevelResult> result = generator->RunLevel(LoadKind::kRate, 500, nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GT(result->requests, 0);
  EXPECT_EQ(result->errors, 0) << result->first_error;
}

TEST(LoadGeneratorTest, CountsNon2xxAnswersAsErrorsWithTheFirstMessage) {
  TestServer server(/*fail_every=*/3);
  std::unique_ptr<LoadGenerator> generator = Generator(ShortLoad(server.port()));
  ASSERT_NE(generator, nullptr);
  absl::StatusOr<LevelResult> result = generator->RunLevel(LoadKind::kConcurrency, 2, nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GT(result->errors, 0);
  EXPECT_LT(result->errors, result->requests);
  EXPECT_EQ(result->first_error, R"(HTTP 500: {"error": "model exploded"})");
  ExpectConsistent(*result);
}

TEST(LoadGeneratorTest, CountsRefusedConnectionsAsErrors) {
  TestServer server;
  const int port = server.port();
  server.Stop();  // nothing listens on the port any more
  HttpLoadOptions options = ShortLoad(port);
  options.warmup = absl::ZeroDuration();
  std::unique_ptr<LoadGenerator> generator = Generator(options);
  ASSERT_NE(generator, nullptr);
  for (LoadKind kind : {LoadKind::kConcurrency, LoadKind::kRate}) {
    absl::StatusOr<LevelResult> result =
        generator->RunLevel(kind, kind == LoadKind::kRate ? 50 : 2, nullptr);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_GT(result->requests, 0);
    EXPECT_EQ(result->errors, result->requests);
    EXPECT_THAT(result->first_error, StartsWith("connect: "));
    EXPECT_EQ(result->latency.count, 0);
  }
}

TEST(LoadGeneratorTest, ServerThatNeverAnswersTimesOut) {
  HttpServerOptions server_options;
  server_options.address = "127.0.0.1";
  server_options.port = 0;
  absl::StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Create(server_options, [](HttpRequest, HttpResponder) {});  // never answers
  ASSERT_TRUE(server.ok()) << server.status();
  HttpLoadOptions options = ShortLoad((*server)->port());
  options.warmup = absl::ZeroDuration();
  options.timeout = absl::Milliseconds(100);
  std::unique_ptr<LoadGenerator> generator = Generator(options);
  ASSERT_NE(generator, nullptr);
  absl::StatusOr<LevelResult> result = generator->RunLevel(LoadKind::kConcurrency, 1, nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GT(result->errors, 0);
  EXPECT_EQ(result->errors, result->requests);
  EXPECT_EQ(result->first_error, "read: no progress for 100ms");
}

TEST(LoadGeneratorTest, BadLevelsAndOptions) {
  TestServer server;
  std::unique_ptr<LoadGenerator> generator = Generator(ShortLoad(server.port()));
  ASSERT_NE(generator, nullptr);
  EXPECT_FALSE(generator->RunLevel(LoadKind::kConcurrency, 0, nullptr).ok());
  EXPECT_FALSE(generator->RunLevel(LoadKind::kConcurrency, 1.5, nullptr).ok());
  EXPECT_FALSE(generator->RunLevel(LoadKind::kBatchSize, 1, nullptr).ok());
  HttpLoadOptions options = ShortLoad(server.port());
  options.requests.clear();
  EXPECT_FALSE(LoadGenerator::Create(options).ok());
  options = ShortLoad(server.port());
  options.target.host = "no-such-host.invalid";
  EXPECT_EQ(LoadGenerator::Create(options).status().code(), absl::StatusCode::kUnavailable);
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The whole command, as `serval bench` runs it, from flags to files.
TEST(RestBenchTest, CommandWritesTableJsonCsvAndSvg) {
  TestServer server;
  TempDir dir;
  WriteFile(dir.Join("body.json"), kBody);
  const std::string url = StrCat("--url=http://127.0.0.1:", server.port());
  absl::StatusOr<BenchOptions> options = ParseBenchOptions(
      {url, "--model=m", StrCat("--request_file=", dir.Join("body.json")), "--concurrency=1,3",
       "--duration=300ms", "--warmup=100ms", StrCat("--output=", dir.Join("r.json")),
       StrCat("--svg=", dir.Join("c.svg"))});
  ASSERT_TRUE(options.ok()) << options.status();
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunBench(*options, BackendRegistry(), out, err, false), kBenchExitOk) << err.str();
  EXPECT_THAT(out.str(),
              HasSubstr("/v1/models/m:predict (requests of 25 bytes on average), closed loop"));
  EXPECT_THAT(out.str(), HasSubstr("concurrency  requests      req/s"));
  EXPECT_THAT(err.str(), HasSubstr("[concurrency 3] "));  // the progress line, not a terminal

  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const std::string json = ReadFile(dir.Join("r.json"));
  ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
  simdjson::dom::array levels = root["levels"].get_array().value();
  ASSERT_EQ(levels.size(), 2u);
  EXPECT_EQ(levels.at(1).value()["concurrency"].get_int64().value(), 3);
  EXPECT_GT(levels.at(1).value()["requests"].get_int64().value(), 0);
  EXPECT_THAT(ReadFile(dir.Join("c.svg")), HasSubstr("c=3"));
  EXPECT_EQ(server.malformed(), 0);

  options->output = dir.Join("r.csv");
  options->concurrency = {2};
  EXPECT_EQ(RunBench(*options, BackendRegistry(), out, err, false), kBenchExitOk) << err.str();
  EXPECT_THAT(ReadFile(dir.Join("r.csv")), StartsWith("concurrency,seconds,requests,errors,"));
}

TEST(RestBenchTest, ErrorsMakeTheExitStatusOne) {
  TestServer server(/*fail_every=*/2);
  const std::string url = StrCat("--url=http://127.0.0.1:", server.port());
  absl::StatusOr<BenchOptions> options =
      ParseBenchOptions({url, "--model=m", "--input_spec=x:fp32[1,2]", "--rate=100",
                         "--duration=300ms", "--warmup=0"});
  ASSERT_TRUE(options.ok()) << options.status();
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunBench(*options, BackendRegistry(), out, err, false), kBenchExitFailed);
  EXPECT_THAT(out.str(), HasSubstr("first error: HTTP "));
}

}  // namespace
}  // namespace serval
