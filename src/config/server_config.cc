#include "config/server_config.h"

#include <sched.h>

#include <algorithm>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "config/model_config_file.h"
#include "config/server_flags.h"
#include "config/yaml_config.h"

namespace serval {
namespace {

// One flag of the command line and its value.
struct GivenFlag {
  const ServerFlag* flag;
  std::string value;
};

absl::StatusOr<std::vector<GivenFlag>> SplitFlags(absl::Span<const std::string> args) {
  std::vector<GivenFlag> given;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (!absl::StartsWith(ToAbsl(arg), "--")) {
      return absl::InvalidArgumentError(StrCat("unexpected argument '", arg, "'"));
    }
    arg.remove_prefix(2);
    const std::string_view name = arg.substr(0, arg.find('='));
    const ServerFlag* flag = FindServerFlag(name);
    if (flag == nullptr) {
      return absl::InvalidArgumentError(
          StrCat("unknown flag --", name, "; see serval serve --help"));
    }
    if (name.size() < arg.size()) {
      given.push_back({flag, std::string(arg.substr(name.size() + 1))});
    } else if (flag->kind == ServerFlag::Kind::kBoolean) {
      given.push_back({flag, "true"});  // `--enable_batching` alone
    } else if (i + 1 < args.size()) {
      given.push_back({flag, args[++i]});
    } else {
      return absl::InvalidArgumentError(StrCat("flag --", name, " needs a value"));
    }
  }
  return given;
}

const GivenFlag* FindGiven(const std::vector<GivenFlag>& given, std::string_view name) {
  const GivenFlag* found = nullptr;
  for (const GivenFlag& flag : given) {
    if (flag.flag->name == name) found = &flag;  // the last one counts
  }
  return found;
}

// TF Serving ignores --model_name and --model_base_path when a model config file is given, and its
// Docker image always passes them; so does Serval, with a warning, so those command lines work.
void DropSingleModelFlagsBesideAConfigFile(std::vector<GivenFlag>& given) {
  if (FindGiven(given, "model_config_file") == nullptr && FindGiven(given, "config") == nullptr) {
    return;
  }
  std::erase_if(given, [](const GivenFlag& flag) {
    const bool single_model = flag.flag->name == "model_base_path" || flag.flag->name == "model_name";
    if (single_model) {
      LogWarning("--", flag.flag->name, " is ignored: the models come from the config file");
    }
    return single_model;
  });
}

absl::Status CheckOneModelSource(const std::vector<GivenFlag>& given) {
  std::vector<std::string> sources;
  for (const GivenFlag& flag : given) {
    if (!flag.flag->model_source) continue;
    if (flag.value.empty()) {
      return absl::InvalidArgumentError(StrCat("--", flag.flag->name, ": needs a value"));
    }
    const std::string source = StrCat("--", flag.flag->name);
    if (std::find(sources.begin(), sources.end(), source) == sources.end()) {
      sources.push_back(source);
    }
  }
  if (sources.size() == 1) return absl::OkStatus();
  if (sources.empty()) {
    return absl::InvalidArgumentError(
        "give a model source: --model_base_path=DIR (one model), --model_repository=DIR (a "
        "folder of models), --model_config_file=FILE (TF Serving's model config) or "
        "--config=FILE (Serval's YAML)");
  }
  return absl::InvalidArgumentError(
      StrCat("give exactly one model source, not ", absl::StrJoin(sources, " and ")));
}

absl::Status CheckNotBoth(const std::vector<GivenFlag>& given, std::string_view first,
                          std::string_view second) {
  if (FindGiven(given, first) != nullptr && FindGiven(given, second) != nullptr) {
    return absl::InvalidArgumentError(StrCat("give --", first, " or --", second, ", not both"));
  }
  return absl::OkStatus();
}

absl::Status ApplyFlags(const std::vector<GivenFlag>& given, ServerConfig& config) {
  for (const GivenFlag& flag : given) {
    if (absl::Status set = flag.flag->set(flag.value, config); !set.ok()) {
      return absl::Status(set.code(), StrCat("--", flag.flag->name, ": ", set.message()));
    }
  }
  return absl::OkStatus();
}

// The cores this process may run on (its CPU affinity, as a container's cpuset or taskset sets
// it), else the machine's.
int UsableCores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Zeros meaning "one per core" or "one", and limits that depend on each other.
absl::Status ResolveDefaults(ServerConfig& config) {
  const int cores = UsableCores();
  if (config.rest_api_num_threads == 0) config.rest_api_num_threads = cores;
  if (config.grpc_max_threads == 0) config.grpc_max_threads = cores;
  if (config.intra_op_threads == 0) config.intra_op_threads = cores;
  if (config.num_load_threads == 0) config.num_load_threads = 1;
  if (config.load_retry_max_backoff_ms < config.load_retry_initial_backoff_ms) {
    return absl::InvalidArgumentError(StrCat(
        "--load_retry_max_backoff_ms (", config.load_retry_max_backoff_ms,
        ") is below --load_retry_initial_backoff_ms (", config.load_retry_initial_backoff_ms, ")"));
  }
  return absl::OkStatus();
}

// The models of the YAML file as it is now. The whole file is checked; its server settings are
// dropped (they need a restart). A switch between model_configs and a repository folder is refused:
// the empty list of a repository would otherwise read as "unload every model".
absl::StatusOr<std::vector<ModelSettings>> ReloadYamlModels(const ServerConfig& config) {
  ServerConfig now;
  RETURN_IF_ERROR(ApplyYamlConfigFile(config.config_file, now));
  if (now.model_repository.empty() != config.model_repository.empty()) {
    return absl::InvalidArgumentError(
        StrCat(config.config_file,
               ": switching between model_configs and a folder of models "
               "(server_config.model_base_path alone) needs a restart"));
  }
  return std::move(now.models);
}

}  // namespace

absl::StatusOr<ServerConfig> ParseServeFlags(absl::Span<const std::string> args) {
  ASSIGN_OR_RETURN(std::vector<GivenFlag> given, SplitFlags(args));
  DropSingleModelFlagsBesideAConfigFile(given);
  RETURN_IF_ERROR(CheckOneModelSource(given));
  RETURN_IF_ERROR(CheckNotBoth(given, "management_token", "management_token_file"));
  RETURN_IF_ERROR(CheckNotBoth(given, "prometheus_endpoint", "monitoring_config_file"));

  ServerConfig config;
  // The file first, so that the flags given with it override its settings.
  if (const GivenFlag* yaml = FindGiven(given, "config"); yaml != nullptr) {
    RETURN_IF_ERROR(ApplyYamlConfigFile(yaml->value, config));
  }
  RETURN_IF_ERROR(ApplyFlags(given, config));
  if (config.config_file.empty()) {
    ASSIGN_OR_RETURN(config.models, LoadModelsConfig(config));
  }
  RETURN_IF_ERROR(ResolveDefaults(config));
  return config;
}

absl::StatusOr<std::vector<ModelSettings>> LoadModelsConfig(const ServerConfig& config) {
  if (!config.model_config_file.empty()) return ReadModelConfigFile(config.model_config_file);
  if (!config.config_file.empty()) return ReloadYamlModels(config);
  std::vector<ModelSettings> models;
  if (!config.model_base_path.empty()) {
    ModelSettings settings;
    settings.name = config.model_name;
    settings.base_path = config.model_base_path;
    settings.version_policy = VersionPolicy::Latest(1);
    models.push_back(std::move(settings));
    RETURN_IF_ERROR(ValidateModelSettingsList(models));
  }
  return models;  // empty for a repository: its folders are the models
}

std::string ServeFlagsHelp() {
  std::string help =
      "usage: serval serve (--model_base_path=DIR [--model_name=NAME] | --model_repository=DIR |\n"
      "                     --model_config_file=FILE | --config=FILE) [flags]\n\n"
      "Boolean flags take --flag or --flag=true|false. docs/configuration.md has the details.\n\n";
  for (const ServerFlag& flag : ServerFlags()) {
    StrAppend(&help, "  --", flag.name, "\n      ", flag.help, "\n");
  }
  return help;
}

}  // namespace serval
