#include "tools/bench_options.h"

#include <functional>
#include <random>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "tools/bench_report.h"
#include "tools/grpc_target.h"
#include "tools/http_target.h"
#include "tools/input_spec.h"

namespace serval {
namespace {

// Which modes take a flag: every mode, the two that load a server (REST and gRPC), or one.
enum class Mode { kAll, kNetwork, kRest, kGrpc, kInProcess };

struct BenchFlag {
  std::string_view name;
  std::string_view value;  // what the value looks like, for --help
  Mode mode;
  std::string_view help;  // may span lines; continuation lines are indented in --help
  std::function<absl::Status(std::string_view value, BenchOptions& options)> set;
};

absl::StatusOr<int64_t> ParsePositive(std::string_view text) {
  int64_t value = 0;
  if (!absl::SimpleAtoi(ToAbsl(text), &value) || value < 1) {
    return absl::InvalidArgumentError(StrCat("must be an integer >= 1, got '", text, "'"));
  }
  return value;
}

absl::StatusOr<std::vector<int64_t>> ParsePositiveList(std::string_view text) {
  std::vector<int64_t> values;
  for (absl::string_view part : absl::StrSplit(ToAbsl(text), ',')) {
    ASSIGN_OR_RETURN(int64_t value, ParsePositive(FromAbsl(part)));
    values.push_back(value);
  }
  return values;
}

absl::StatusOr<std::vector<double>> ParseRateList(std::string_view text) {
  std::vector<double> values;
  for (absl::string_view part : absl::StrSplit(ToAbsl(text), ',')) {
    double value = 0;
    if (!absl::SimpleAtod(part, &value) || !(value > 0)) {
      return absl::InvalidArgumentError(
          StrCat("must be requests per second > 0, got '", FromAbsl(part), "'"));
    }
    values.push_back(value);
  }
  return values;
}

// "10s", "300ms", "1m", "1.5s"; a bare number is seconds.
absl::StatusOr<absl::Duration> ParseBenchDuration(std::string_view text, bool allow_zero) {
  double seconds = 0;
  absl::Duration duration;
  if (absl::SimpleAtod(ToAbsl(text), &seconds)) {
    duration = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(ToAbsl(text), &duration)) {
    return absl::InvalidArgumentError(
        StrCat("must be a duration like 10s, 500ms or 1m, got '", text, "'"));
  }
  if (duration < absl::ZeroDuration() || (!allow_zero && duration == absl::ZeroDuration())) {
    return absl::InvalidArgumentError(
        StrCat("must be ", allow_zero ? ">= 0" : "> 0", ", got '", text, "'"));
  }
  return duration;
}

absl::Status NotEmpty(std::string_view value) {
  if (value.empty()) return absl::InvalidArgumentError("needs a value");
  return absl::OkStatus();
}

// A flag that sets a string member.
BenchFlag StringFlag(std::string_view name, std::string_view value, Mode mode,
                     std::string_view help, std::string BenchOptions::*member) {
  return {name, value, mode, help, [member](std::string_view text, BenchOptions& options) {
            RETURN_IF_ERROR(NotEmpty(text));
            options.*member = std::string(text);
            return absl::OkStatus();
          }};
}

// A flag that sets an int member, >= 1 (or >= 0 with allow_zero).
BenchFlag CountFlag(std::string_view name, Mode mode, std::string_view help,
                    int BenchOptions::*member, bool allow_zero = false) {
  return {name, "N", mode, help,
          [member, allow_zero](std::string_view text, BenchOptions& options) {
            if (allow_zero && text == "0") {
              options.*member = 0;
              return absl::OkStatus();
            }
            ASSIGN_OR_RETURN(int64_t value, ParsePositive(text));
            if (value > 1 << 20) return absl::InvalidArgumentError("is too large");
            options.*member = static_cast<int>(value);
            return absl::OkStatus();
          }};
}

BenchFlag DurationFlag(std::string_view name, Mode mode, std::string_view help,
                       absl::Duration BenchOptions::*member, bool allow_zero) {
  return {name, "DURATION", mode, help,
          [member, allow_zero](std::string_view text, BenchOptions& options) {
            ASSIGN_OR_RETURN(options.*member, ParseBenchDuration(text, allow_zero));
            return absl::OkStatus();
          }};
}

absl::Status SetVersion(std::string_view text, BenchOptions& options) {
  ASSIGN_OR_RETURN(options.version, ParsePositive(text));
  return absl::OkStatus();
}

absl::Status SetInputSpec(std::string_view text, BenchOptions& options) {
  ASSIGN_OR_RETURN(options.input_specs, ParseInputSpecs(text));
  return absl::OkStatus();
}

absl::Status SetBodyFormat(std::string_view text, BenchOptions& options) {
  if (text == "instances") {
    options.body_format = PredictBodyFormat::kInstances;
  } else if (text == "inputs") {
    options.body_format = PredictBodyFormat::kInputs;
  } else {
    return absl::InvalidArgumentError(StrCat("must be instances or inputs, got '", text, "'"));
  }
  return absl::OkStatus();
}

absl::Status SetProtocol(std::string_view text, BenchOptions& options) {
  if (text == "tfs") {
    options.protocol = GrpcProtocol::kTfServing;
  } else if (text == "kserve") {
    options.protocol = GrpcProtocol::kKServe;
  } else {
    return absl::InvalidArgumentError(StrCat("must be tfs or kserve, got '", text, "'"));
  }
  return absl::OkStatus();
}

absl::Status SetTensorEncoding(std::string_view text, BenchOptions& options) {
  if (text == "typed") {
    options.tensor_encoding = TensorProtoEncoding::kTyped;
  } else if (text == "content") {
    options.tensor_encoding = TensorProtoEncoding::kContent;
  } else {
    return absl::InvalidArgumentError(StrCat("must be typed or content, got '", text, "'"));
  }
  return absl::OkStatus();
}

absl::Status SetArrival(std::string_view text, BenchOptions& options) {
  if (text != "constant" && text != "poisson") {
    return absl::InvalidArgumentError(StrCat("must be constant or poisson, got '", text, "'"));
  }
  options.poisson = text == "poisson";
  return absl::OkStatus();
}

absl::Status SetOutput(std::string_view text, BenchOptions& options) {
  if (!IsBenchReportFileName(text)) {
    return absl::InvalidArgumentError(StrCat("must name a .json or .csv file, got '", text, "'"));
  }
  options.output = std::string(text);
  return absl::OkStatus();
}

absl::Status SetSeed(std::string_view text, BenchOptions& options) {
  if (!absl::SimpleAtoi(ToAbsl(text), &options.seed)) {
    return absl::InvalidArgumentError(StrCat("must be an integer >= 0, got '", text, "'"));
  }
  return absl::OkStatus();
}

// The table itself: long, but one entry per flag and no logic.
const std::vector<BenchFlag>& BenchFlags() {
  static const std::vector<BenchFlag>* const flags = new std::vector<BenchFlag>{
      StringFlag("url", "http://HOST:PORT", Mode::kRest,
                 "REST mode: the server to load (http only; a path after the port is a prefix)",
                 &BenchOptions::url),
      StringFlag("grpc", "HOST:PORT", Mode::kGrpc,
                 "gRPC mode: the server to load (plaintext; IPv6 as [::1]:8500)",
                 &BenchOptions::grpc),
      StringFlag("model_base_path", "DIR", Mode::kInProcess,
                 "in-process mode: the model's folder (version folders, optional config.yaml);\n"
                 "the model is loaded here and called directly, without HTTP",
                 &BenchOptions::model_base_path),
      StringFlag("model", "NAME", Mode::kAll,
                 "the model (REST, gRPC: required; in-process: defaults to the folder's name)",
                 &BenchOptions::model),
      {"version", "N", Mode::kAll, "the version to load (default: the latest)", SetVersion},
      {"input_spec", "NAME:DTYPE[DIMS],...", Mode::kAll,
       "inputs of random values, e.g. 'x:fp32[1,64]' or 'a:fp32[1,4],b:int64[1]'; [] is a\n"
       "scalar. In-process: overrides the signature's shape of the inputs named (dimension 0\n"
       "is the batch size); other inputs take the signature's shape, free dimensions 1",
       SetInputSpec},
      StringFlag("request_file", "FILE", Mode::kRest,
                 "REST: send this predict body (JSON) instead of --input_spec",
                 &BenchOptions::request_file),
      {"body_format", "instances|inputs", Mode::kRest,
       "REST: row (\"instances\", default) or columnar (\"inputs\") body for --input_spec",
       SetBodyFormat},
      {"protocol", "tfs|kserve", Mode::kGrpc,
       "gRPC: TF Serving's tensorflow.serving.PredictionService/Predict (\"tfs\", default) or\n"
       "KServe v2's inference.GRPCInferenceService/ModelInfer with raw_input_contents\n"
       "(\"kserve\")",
       SetProtocol},
      {"tensor_encoding", "typed|content", Mode::kGrpc,
       "gRPC, --protocol=tfs: TensorProto values in the dtype's typed field (float_val,\n"
       "int64_val, ...; \"typed\", default) or as raw bytes in tensor_content (\"content\")",
       SetTensorEncoding},
      {"concurrency", "N,N,...", Mode::kNetwork,
       "closed loop: one level per value, that many requests in flight, each followed by the\n"
       "next as soon as it is answered (REST: that many connections; gRPC: calls over one\n"
       "HTTP/2 connection per client thread) (default 1)",
       [](std::string_view text, BenchOptions& options) {
         ASSIGN_OR_RETURN(options.concurrency, ParsePositiveList(text));
         return absl::OkStatus();
       }},
      {"rate", "R,R,...", Mode::kNetwork,
       "open loop: one level per value, R requests/s sent on schedule whatever the\n"
       "answers do; latency counts from the scheduled time (no coordinated omission)",
       [](std::string_view text, BenchOptions& options) {
         ASSIGN_OR_RETURN(options.rates, ParseRateList(text));
         return absl::OkStatus();
       }},
      {"arrival", "constant|poisson", Mode::kNetwork,
       "--rate: evenly spaced (default) or Poisson arrivals", SetArrival},
      {"batch_sizes", "B,B,...", Mode::kInProcess,
       "in-process: one level per batch size (default 1)",
       [](std::string_view text, BenchOptions& options) {
         ASSIGN_OR_RETURN(options.batch_sizes, ParsePositiveList(text));
         return absl::OkStatus();
       }},
      DurationFlag("duration", Mode::kAll,
                   "measured time per level, e.g. 10s, 500ms, 1m (REST, gRPC 10s; in-process 5s)",
                   &BenchOptions::duration, false),
      DurationFlag("warmup", Mode::kAll,
                   "unmeasured time before each level (REST, gRPC 2s; in-process 1s; 0 for none)",
                   &BenchOptions::warmup, true),
      CountFlag("threads", Mode::kNetwork,
                "client threads, each with its own event loop (gRPC: completion queue and\n"
                "connection) and share of the requests in flight (default 2)",
                &BenchOptions::threads),
      CountFlag("max_connections", Mode::kNetwork,
                "--rate: most requests in flight at once (REST: connections open); requests\n"
                "due when all are busy wait, and their wait counts in their latency (default 256)",
                &BenchOptions::max_connections),
      DurationFlag("timeout", Mode::kNetwork,
                   "REST: longest a connect, send or answer may take; gRPC: each call's\n"
                   "deadline; then it is an error (30s)",
                   &BenchOptions::timeout, false),
      CountFlag("intra_op_threads", Mode::kInProcess,
                "in-process: LibTorch intra-op threads (default: LibTorch's choice)",
                &BenchOptions::intra_op_threads, true),
      StringFlag("device", "cpu|cuda:N", Mode::kInProcess,
                 "in-process: where to run the model (default cpu)", &BenchOptions::device),
      {"output", "FILE.json|FILE.csv", Mode::kAll,
       "also write every level's numbers to FILE, as JSON or CSV by the extension", SetOutput},
      StringFlag("svg", "FILE.svg", Mode::kAll,
                 "also draw latency (p50, p99) against throughput, one point per level",
                 &BenchOptions::svg),
      {"seed", "N", Mode::kAll, "seed of the random inputs and arrivals (default 1)", SetSeed},
  };
  return *flags;
}

const BenchFlag* FindFlag(std::string_view name) {
  for (const BenchFlag& flag : BenchFlags()) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

absl::Status Flagged(std::string_view name, const absl::Status& status) {
  return absl::InvalidArgumentError(StrCat("--", name, ": ", status.message()));
}

// Sets every flag; returns the names given.
absl::StatusOr<absl::flat_hash_set<std::string>> SetFlags(const std::vector<std::string>& args,
                                                          BenchOptions& options) {
  absl::flat_hash_set<std::string> given;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h" || arg == "--helpfull") {
      options.help = true;
      continue;
    }
    if (!absl::StartsWith(ToAbsl(arg), "--")) {
      return absl::InvalidArgumentError(StrCat("unexpected argument '", arg, "'"));
    }
    arg.remove_prefix(2);
    const std::string_view name = arg.substr(0, arg.find('='));
    const BenchFlag* flag = FindFlag(name);
    if (flag == nullptr) return absl::InvalidArgumentError(StrCat("unknown flag --", name));
    std::string_view value;
    if (name.size() < arg.size()) {
      value = arg.substr(name.size() + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(StrCat("--", name, " needs a value"));
    }
    if (absl::Status status = flag->set(value, options); !status.ok()) {
      return Flagged(name, status);
    }
    given.insert(std::string(name));
  }
  return given;
}

// The mode the options ask for, and its flag, for messages.
Mode ModeOf(const BenchOptions& options) {
  if (options.rest()) return Mode::kRest;
  if (options.grpc_mode()) return Mode::kGrpc;
  return Mode::kInProcess;
}

std::string_view ModeFlag(Mode mode) {
  switch (mode) {
    case Mode::kRest:
      return "--url";
    case Mode::kGrpc:
      return "--grpc";
    default:
      return "--model_base_path";
  }
}

std::string_view ModeName(Mode mode) {
  switch (mode) {
    case Mode::kAll:
      return "every mode";
    case Mode::kNetwork:
      return "the REST and gRPC modes (--url, --grpc)";
    case Mode::kRest:
      return "the REST mode (--url)";
    case Mode::kGrpc:
      return "the gRPC mode (--grpc)";
    case Mode::kInProcess:
      return "the in-process mode (--model_base_path)";
  }
  return "";
}

bool FlagApplies(Mode flag_mode, Mode mode) {
  return flag_mode == Mode::kAll || flag_mode == mode ||
         (flag_mode == Mode::kNetwork && mode != Mode::kInProcess);
}

absl::Status CheckModeFlags(const absl::flat_hash_set<std::string>& given, Mode mode) {
  for (const BenchFlag& flag : BenchFlags()) {
    if (!given.contains(ToAbsl(flag.name)) || FlagApplies(flag.mode, mode)) continue;
    return absl::InvalidArgumentError(
        StrCat("--", flag.name, " is for ", ModeName(flag.mode), ", not ", ModeFlag(mode)));
  }
  return absl::OkStatus();
}

// What REST and gRPC share: the model, the levels and their defaults.
absl::Status CheckNetworkOptions(const absl::flat_hash_set<std::string>& given,
                                 BenchOptions& options) {
  if (options.model.empty()) {
    return absl::InvalidArgumentError(StrCat(ModeFlag(ModeOf(options)), " needs --model=NAME"));
  }
  if (!options.concurrency.empty() && !options.rates.empty()) {
    return absl::InvalidArgumentError(
        "give --concurrency (closed loop) or --rate (open loop), not both");
  }
  if (given.contains("arrival") && options.rates.empty()) {
    return absl::InvalidArgumentError("--arrival applies to --rate only");
  }
  if (options.concurrency.empty() && options.rates.empty()) options.concurrency = {1};
  if (!given.contains("duration")) options.duration = absl::Seconds(10);
  if (!given.contains("warmup")) options.warmup = absl::Seconds(2);
  return absl::OkStatus();
}

absl::Status CheckRestOptions(const absl::flat_hash_set<std::string>& given,
                              BenchOptions& options) {
  RETURN_IF_ERROR(CheckNetworkOptions(given, options));
  if (options.input_specs.empty() == options.request_file.empty()) {
    return absl::InvalidArgumentError(
        "give either --input_spec (random inputs) or --request_file (a predict body)");
  }
  if (given.contains("body_format") && options.input_specs.empty()) {
    return absl::InvalidArgumentError("--body_format applies to --input_spec only");
  }
  if (absl::StatusOr<HttpTarget> target = ParseHttpTarget(options.url); !target.ok()) {
    return Flagged("url", target.status());
  }
  if (!options.input_specs.empty()) {  // can these inputs be written as JSON at all?
    std::mt19937_64 random(options.seed);
    absl::StatusOr<std::string> body =
        MakeRandomPredictBody(options.input_specs, options.body_format, random);
    if (!body.ok()) return Flagged("input_spec", body.status());
  }
  return absl::OkStatus();
}

absl::Status CheckGrpcOptions(const absl::flat_hash_set<std::string>& given,
                              BenchOptions& options) {
  RETURN_IF_ERROR(CheckNetworkOptions(given, options));
  if (options.input_specs.empty()) {
    return absl::InvalidArgumentError("--grpc needs --input_spec (the inputs to send)");
  }
  if (given.contains("tensor_encoding") && options.protocol != GrpcProtocol::kTfServing) {
    return absl::InvalidArgumentError(
        "--tensor_encoding applies to --protocol=tfs only (KServe sends raw_input_contents)");
  }
  if (absl::StatusOr<GrpcTarget> target = ParseGrpcTarget(options.grpc); !target.ok()) {
    return Flagged("grpc", target.status());
  }
  return absl::OkStatus();
}

absl::Status CheckInProcessOptions(const absl::flat_hash_set<std::string>& given,
                                   BenchOptions& options) {
  if (options.batch_sizes.empty()) options.batch_sizes = {1};
  if (!given.contains("duration")) options.duration = absl::Seconds(5);
  if (!given.contains("warmup")) options.warmup = absl::Seconds(1);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BenchOptions> ParseBenchOptions(const std::vector<std::string>& args) {
  BenchOptions options;
  ASSIGN_OR_RETURN(absl::flat_hash_set<std::string> given, SetFlags(args, options));
  if (options.help) return options;
  const int modes = static_cast<int>(!options.url.empty()) +
                    static_cast<int>(!options.grpc.empty()) +
                    static_cast<int>(!options.model_base_path.empty());
  if (modes != 1) {
    return absl::InvalidArgumentError(
        "give one of --url (REST mode), --grpc (gRPC mode) or --model_base_path (in-process "
        "mode)");
  }
  const Mode mode = ModeOf(options);
  RETURN_IF_ERROR(CheckModeFlags(given, mode));
  switch (mode) {
    case Mode::kRest:
      RETURN_IF_ERROR(CheckRestOptions(given, options));
      break;
    case Mode::kGrpc:
      RETURN_IF_ERROR(CheckGrpcOptions(given, options));
      break;
    default:
      RETURN_IF_ERROR(CheckInProcessOptions(given, options));
  }
  return options;
}

std::string BenchHelp() {
  std::string help =
      "usage:\n"
      "  serval bench --url=http://HOST:PORT --model=NAME (--input_spec=SPEC | "
      "--request_file=FILE)\n"
      "               [--concurrency=N,N,... | --rate=R,R,...] [--duration=10s] [--warmup=2s]\n"
      "               [--output=FILE.json|FILE.csv] [--svg=FILE.svg] [flags]\n"
      "  serval bench --grpc=HOST:PORT --model=NAME --input_spec=SPEC [--protocol=tfs|kserve]\n"
      "               [--tensor_encoding=typed|content] [--concurrency=N,N,... | --rate=R,R,...]\n"
      "               [--duration=10s] [--warmup=2s] [--output=...] [--svg=...] [flags]\n"
      "  serval bench --model_base_path=DIR [--batch_sizes=B,B,...] [--duration=5s]\n"
      "               [--intra_op_threads=N] [--output=...] [--svg=...] [flags]\n"
      "\n"
      "Measures throughput and latency, one level at a time: over REST against a running\n"
      "server (TF Serving's predict API, keep-alive HTTP/1.1), over gRPC (TF Serving's\n"
      "Predict or KServe v2's ModelInfer, requests serialized once before the run), or\n"
      "in-process by loading the model and calling it directly. Prints one table row per\n"
      "level (requests, throughput, p50/p90/p99/max latency, errors: non-2xx answers, non-OK\n"
      "gRPC statuses and transport failures), with a progress line on stderr while it runs.\n"
      "Exit status: 0 when every request succeeded, 1 when some failed or the run could not\n"
      "start, 2 for bad flags.\n"
      "\n"
      "examples:\n"
      "  serval bench --url=http://127.0.0.1:8501 --model=mlp \\\n"
      "      --input_spec='features:fp32[1,8],temperature:fp32[1,1]' --concurrency=1,8,32\n"
      "  serval bench --url=http://127.0.0.1:8501 --model=half_plus_two \\\n"
      "      --input_spec='x:fp32[3,1]' --rate=500,1000 --duration=30s --output=rates.csv\n"
      "  serval bench --grpc=127.0.0.1:8500 --model=half_plus_two --input_spec='x:fp32[1,4]' \\\n"
      "      --tensor_encoding=content --concurrency=1,8,32\n"
      "  serval bench --model_base_path=models/mlp --batch_sizes=1,8,32 --svg=mlp.svg\n"
      "\n"
      "flags (--name=value or --name value):\n";
  for (const BenchFlag& flag : BenchFlags()) {
    StrAppend(&help, "  --", flag.name, "=", flag.value, "\n");
    for (absl::string_view line : absl::StrSplit(ToAbsl(flag.help), '\n')) {
      StrAppend(&help, "      ", FromAbsl(line), "\n");
    }
  }
  StrAppend(&help, "  --help\n      this text\n");
  return help;
}

std::string DescribeNetworkBench(const BenchOptions& options, std::string_view target,
                                 std::string_view what, const std::vector<std::string>& requests) {
  size_t bytes = 0;
  for (const std::string& request : requests) bytes += request.size();
  const size_t mean_bytes = requests.empty() ? 0 : bytes / requests.size();
  const std::string load =
      options.rates.empty()
          ? "closed loop"
          : StrCat("open loop, ", options.poisson ? "Poisson" : "evenly spaced", " arrivals");
  return absl::StrFormat(
      "serval bench: %s (%s%srequests of %d bytes on average), %s, %s per level after %s "
      "warm-up, %d client threads",
      ToAbsl(target), ToAbsl(what), what.empty() ? "" : ", ", mean_bytes, load,
      absl::FormatDuration(options.duration), absl::FormatDuration(options.warmup),
      options.threads);
}

}  // namespace serval
