#include "tools/bench_options.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kUrl[] = "--url=http://127.0.0.1:8501";

absl::StatusOr<BenchOptions> Parse(std::vector<std::string> args) {
  return ParseBenchOptions(args);
}

std::string ErrorOf(std::vector<std::string> args) {
  absl::StatusOr<BenchOptions> options = ParseBenchOptions(args);
  EXPECT_FALSE(options.ok());
  EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(options.status().message());
}

TEST(BenchOptionsTest, RestDefaults) {
  absl::StatusOr<BenchOptions> options = Parse({kUrl, "--model=m", "--input_spec=x:fp32[1,4]"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_TRUE(options->rest());
  EXPECT_THAT(options->concurrency, ElementsAre(1));
  EXPECT_TRUE(options->rates.empty());
  EXPECT_EQ(options->duration, absl::Seconds(10));
  EXPECT_EQ(options->warmup, absl::Seconds(2));
  EXPECT_EQ(options->timeout, absl::Seconds(30));
  EXPECT_EQ(options->threads, 2);
  ASSERT_EQ(options->input_specs.size(), 1u);
  EXPECT_EQ(options->input_specs[0].name, "x");
}

TEST(BenchOptionsTest, RestFlagsInBothSpellings) {
  absl::StatusOr<BenchOptions> options = Parse(
      {"--url", "http://h:1", "--model", "m", "--version=3", "--request_file=b.json", "--rate",
       "100,250.5", "--arrival=poisson", "--duration=1.5s", "--warmup=0", "--timeout=500ms",
       "--threads=4", "--max_connections=8", "--output=o.csv", "--svg=c.svg", "--seed=9"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->version, 3);
  EXPECT_EQ(options->request_file, "b.json");
  EXPECT_THAT(options->rates, ElementsAre(100, 250.5));
  EXPECT_TRUE(options->concurrency.empty());
  EXPECT_TRUE(options->poisson);
  EXPECT_EQ(options->duration, absl::Milliseconds(1500));
  EXPECT_EQ(options->warmup, absl::ZeroDuration());
  EXPECT_EQ(options->timeout, absl::Milliseconds(500));
  EXPECT_EQ(options->threads, 4);
  EXPECT_EQ(options->max_connections, 8);
  EXPECT_EQ(options->output, "o.csv");
  EXPECT_EQ(options->svg, "c.svg");
  EXPECT_EQ(options->seed, 9u);
}

TEST(BenchOptionsTest, InProcessDefaults) {
  absl::StatusOr<BenchOptions> options =
      Parse({"--model_base_path=models/mlp", "--batch_sizes=1,4,32", "--intra_op_threads=2"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_FALSE(options->rest());
  EXPECT_THAT(options->batch_sizes, ElementsAre(1, 4, 32));
  EXPECT_EQ(options->intra_op_threads, 2);
  EXPECT_EQ(options->duration, absl::Seconds(5));
  EXPECT_EQ(options->warmup, absl::Seconds(1));
  EXPECT_EQ(options->device, "cpu");

  options = Parse({"--model_base_path=models/mlp"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_THAT(options->batch_sizes, ElementsAre(1));
}

TEST(BenchOptionsTest, Help) {
  absl::StatusOr<BenchOptions> options = Parse({"--help"});
  ASSERT_TRUE(options.ok());
  EXPECT_TRUE(options->help);
  const std::string help = BenchHelp();
  for (const char* flag : {"--url",
                           "--model_base_path",
                           "--model=",
                           "--version",
                           "--input_spec",
                           "--request_file",
                           "--body_format",
                           "--concurrency",
                           "--rate",
                           "--arrival",
                           "--batch_sizes",
                           "--duration",
                           "--warmup",
                           "--threads",
                           "--max_connections",
                           "--timeout",
                           "--intra_op_threads",
                           "--device",
                           "--output",
                           "--svg",
                           "--seed",
                           "--grpc=HOST:PORT",
                           "--protocol=tfs|kserve",
                           "--tensor_encoding=typed|content",
                           "--help"}) {
    EXPECT_THAT(help, HasSubstr(flag));
  }
}

TEST(BenchOptionsTest, ClearErrors) {
  const std::string spec = "--input_spec=x:fp32[1]";
  EXPECT_THAT(ErrorOf({}), HasSubstr("give one of --url"));
  EXPECT_THAT(ErrorOf({kUrl, "--model_base_path=d"}), HasSubstr("give one of --url"));
  EXPECT_THAT(ErrorOf({"--bogus=1"}), HasSubstr("unknown flag --bogus"));
  EXPECT_THAT(ErrorOf({"bench"}), HasSubstr("unexpected argument 'bench'"));
  EXPECT_THAT(ErrorOf({kUrl, "--model"}), HasSubstr("--model needs a value"));
  EXPECT_THAT(ErrorOf({kUrl, spec}), HasSubstr("--url needs --model"));
  EXPECT_THAT(ErrorOf({kUrl, "--model=m"}), HasSubstr("--input_spec"));
  EXPECT_THAT(ErrorOf({kUrl, "--model=m", spec, "--request_file=b"}), HasSubstr("either"));
  EXPECT_THAT(ErrorOf({kUrl, "--model=m", spec, "--concurrency=1", "--rate=5"}),
              HasSubstr("not both"));
  EXPECT_THAT(ErrorOf({kUrl, "--model=m", spec, "--concurrency=0"}),
              HasSubstr("--concurrency: must be an integer >= 1, got '0'"));
  EXPECT_THAT(ErrorOf({kUrl, "--model=m", spec, "--concurrency=1,,2"}), HasSubstr("--concurrency"));
  EXPECT_THAT(ErrorOf({kUrl, "--model=m", spec, "--rate=-5"}), HasSubstr("--rate"));
  EXPECT_THAT(ErrorOf({kUrl, "--model=m", spec, "--duration=0s"}),
              HasSubstr("--duration: must be > 0"));
  EXPECT_THAT(ErrorOf({kUrl, "--model=m", spec, "--duration=soon"}),
              HasSubstr("like 10s, 500ms or 1m"));
  EXPECT_THAT(ErrorOf({kUrl, "--model=m", spec, "--output=r.txt"}),
              HasSubstr("--output: must name a .json or .csv file"));
  EXPECT_THAT(ErrorOf({kUrl, "--model=m", spec, "--body_format=rows"}),
              HasSubstr("instances or inputs"));
  EXPECT_THAT(ErrorOf({kUrl, "--model=m", spec, "--arrival=poisson"}),
              HasSubstr("--arrival applies to --rate only"));
  EXPECT_THAT(ErrorOf({kUrl, "--model=m", "--input_spec=x:fp32"}), HasSubstr("--input_spec:"));
  EXPECT_THAT(ErrorOf({kUrl, "--model=m", "--input_spec=s:fp32[]"}),
              HasSubstr("--body_format=inputs"));
  EXPECT_THAT(ErrorOf({"--url=https://h", "--model=m", spec}), HasSubstr("--url: "));
  EXPECT_THAT(ErrorOf({kUrl, "--model=m", spec, "--batch_sizes=4"}),
              HasSubstr("--batch_sizes is for the in-process mode"));
  EXPECT_THAT(ErrorOf({"--model_base_path=d", "--concurrency=4"}),
              HasSubstr("--concurrency is for the REST and gRPC modes"));
  EXPECT_THAT(ErrorOf({kUrl, "--model=m", spec, "--protocol=kserve"}),
              HasSubstr("--protocol is for the gRPC mode (--grpc), not --url"));
  EXPECT_THAT(ErrorOf({"--model_base_path=d", "--threads=0"}), HasSubstr("--threads"));
}

constexpr char kGrpc[] = "--grpc=127.0.0.1:8500";

TEST(BenchOptionsTest, GrpcDefaults) {
  absl::StatusOr<BenchOptions> options = Parse({kGrpc, "--model=m", "--input_spec=x:fp32[1,4]"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_TRUE(options->grpc_mode());
  EXPECT_FALSE(options->rest());
  EXPECT_EQ(options->grpc, "127.0.0.1:8500");
  EXPECT_EQ(options->protocol, GrpcProtocol::kTfServing);
  EXPECT_EQ(options->tensor_encoding, TensorProtoEncoding::kTyped);
  EXPECT_THAT(options->concurrency, ElementsAre(1));
  EXPECT_EQ(options->duration, absl::Seconds(10));
  EXPECT_EQ(options->warmup, absl::Seconds(2));
  EXPECT_EQ(options->timeout, absl::Seconds(30));
  EXPECT_EQ(options->threads, 2);
}

TEST(BenchOptionsTest, GrpcFlags) {
  absl::StatusOr<BenchOptions> options = Parse(
      {"--grpc", "[::1]:9000", "--model=m", "--version=2", "--input_spec=x:fp32[1,224,224,3]",
       "--tensor_encoding=content", "--rate=100,200", "--arrival=poisson", "--threads=1",
       "--max_connections=16", "--timeout=2s", "--duration=1s", "--warmup=0", "--output=g.json"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->grpc, "[::1]:9000");
  EXPECT_EQ(options->version, 2);
  EXPECT_EQ(options->tensor_encoding, TensorProtoEncoding::kContent);
  EXPECT_THAT(options->rates, ElementsAre(100, 200));
  EXPECT_TRUE(options->poisson);
  EXPECT_EQ(options->threads, 1);
  EXPECT_EQ(options->max_connections, 16);
  EXPECT_EQ(options->timeout, absl::Seconds(2));
  ASSERT_EQ(options->input_specs.size(), 1u);
  EXPECT_EQ(options->input_specs[0].shape, (Shape{1, 224, 224, 3}));

  options = Parse(
      {kGrpc, "--model=m", "--input_spec=x:fp32[1,4]", "--protocol=kserve", "--concurrency=1,8"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->protocol, GrpcProtocol::kKServe);
  EXPECT_THAT(options->concurrency, ElementsAre(1, 8));
}

TEST(BenchOptionsTest, GrpcErrors) {
  const std::string spec = "--input_spec=x:fp32[1]";
  EXPECT_THAT(ErrorOf({kGrpc, kUrl, "--model=m", spec}), HasSubstr("give one of --url"));
  EXPECT_THAT(ErrorOf({kGrpc, spec}), HasSubstr("--grpc needs --model"));
  EXPECT_THAT(ErrorOf({kGrpc, "--model=m"}), HasSubstr("--grpc needs --input_spec"));
  EXPECT_THAT(ErrorOf({kGrpc, "--model=m", spec, "--request_file=b.json"}),
              HasSubstr("--request_file is for the REST mode (--url), not --grpc"));
  EXPECT_THAT(ErrorOf({kGrpc, "--model=m", spec, "--body_format=inputs"}),
              HasSubstr("--body_format is for the REST mode"));
  EXPECT_THAT(ErrorOf({kGrpc, "--model=m", spec, "--batch_sizes=4"}),
              HasSubstr("--batch_sizes is for the in-process mode (--model_base_path), "
                        "not --grpc"));
  EXPECT_THAT(ErrorOf({"--model_base_path=d", "--protocol=tfs"}),
              HasSubstr("--protocol is for the gRPC mode"));
  EXPECT_THAT(ErrorOf({kGrpc, "--model=m", spec, "--protocol=http"}),
              HasSubstr("--protocol: must be tfs or kserve, got 'http'"));
  EXPECT_THAT(ErrorOf({kGrpc, "--model=m", spec, "--tensor_encoding=raw"}),
              HasSubstr("--tensor_encoding: must be typed or content, got 'raw'"));
  EXPECT_THAT(ErrorOf({kGrpc, "--model=m", spec, "--protocol=kserve", "--tensor_encoding=typed"}),
              HasSubstr("--tensor_encoding applies to --protocol=tfs only"));
  EXPECT_THAT(ErrorOf({"--grpc=http://h:1", "--model=m", spec}),
              HasSubstr("--grpc: 'http://h:1' has a scheme"));
  EXPECT_THAT(ErrorOf({"--grpc=h", "--model=m", spec}), HasSubstr("--grpc: 'h' has no port"));
  EXPECT_THAT(ErrorOf({kGrpc, "--model=m", spec, "--concurrency=1", "--rate=5"}),
              HasSubstr("not both"));
  EXPECT_THAT(ErrorOf({kGrpc, "--model=m", spec, "--arrival=poisson"}),
              HasSubstr("--arrival applies to --rate only"));
}

}  // namespace
}  // namespace serval
