#include "cli/sagemaker_config.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "grove/errors.h"
#include "grove/log.h"

namespace grove::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kChannelNames[] = {"train", "validation", "test"};

// A channel with the defaults of everything its configuration may set.
ChannelSpec Channel(std::string name, fs::path path) {
  ChannelSpec channel;
  channel.name = std::move(name);
  channel.path = std::move(path);
  return channel;
}

std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::string Normalize(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

json ParseJsonText(const std::string& text, const std::string& source) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    throw InvalidInput(fmt::format("{}: not valid JSON ({}); SageMaker writes this file, so "
                                   "check what created it",
                                   source, e.what()));
  }
}

std::optional<json> ReadJsonFile(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(fmt::format("cannot read {}", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return ParseJsonText(text.str(), path.string());
}

// A JSON value of a hyperparameter object as the string ParseParams reads.
std::string ValueText(const json& value, bool decode_strings) {
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    return decode_strings ? DecodeHyperparameter(text) : text;
  }
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_null()) return "none";
  return value.dump();
}

void AddHyperparameter(std::map<std::string, std::string>& out, const std::string& key,
                       std::string value, const std::string& source) {
  const std::string name = Normalize(key);
  const auto [it, inserted] = out.emplace(name, value);
  if (!inserted && it->second != value) {
    throw InvalidInput(fmt::format(
        "{}: hyperparameter {} is given twice with different values (\"{}\" and \"{}\"); "
        "- and _ are the same character in names, so keep one of them",
        source, name, it->second, value));
  }
}

std::map<std::string, std::string> HyperparametersFromJson(const json& object,
                                                           const std::string& source,
                                                           bool decode_strings) {
  if (!object.is_object()) {
    throw InvalidInput(fmt::format("{}: expected a JSON object of hyperparameters, got {}",
                                   source, object.type_name()));
  }
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : object.items()) {
    if (value.is_object() || value.is_array()) {
      // Lists such as interaction_constraints arrive as their JSON text.
      AddHyperparameter(out, key, value.dump(), source);
      continue;
    }
    AddHyperparameter(out, key, ValueText(value, decode_strings), source);
  }
  return out;
}

std::string StringKey(const json& object, const char* key, const std::string& fallback,
                      const std::string& source) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  if (!it->is_string()) {
    throw InvalidInput(fmt::format("{}: \"{}\" must be a string, got {}", source, key,
                                   it->dump()));
  }
  return it->get<std::string>();
}

// Applies one channel's entry of inputdataconfig.json.
void ApplyChannelConfig(ChannelSpec& channel, const json& entry, const std::string& source) {
  const std::string where = fmt::format("{}, channel \"{}\"", source, channel.name);
  if (!entry.is_object()) {
    throw InvalidInput(fmt::format("{}: expected an object, got {}", where, entry.dump()));
  }
  channel.content_type = StringKey(entry, "ContentType", "", where);
  if (!channel.content_type.empty()) {
    try {
      channel.format = io::ParseContentType(channel.content_type);
    } catch (const InvalidInput& e) {
      throw InvalidInput(fmt::format("{}: {}", where, e.what()));
    }
  }
  channel.input_mode = StringKey(entry, "TrainingInputMode", "File", where);
  if (channel.input_mode != "File" && channel.input_mode != "FastFile" &&
      channel.input_mode != "Pipe") {
    throw InvalidInput(fmt::format(
        "{}: TrainingInputMode \"{}\" is not supported; expected File, FastFile or Pipe", where,
        channel.input_mode));
  }
  const std::string wrapper = StringKey(entry, "RecordWrapperType", "None", where);
  if (wrapper != "None") {
    throw InvalidInput(fmt::format(
        "{}: RecordWrapperType \"{}\" is not supported; grove reads plain CSV or libsvm "
        "records (set record_wrapping=None in TrainingInput)",
        where, wrapper));
  }
}

bool IsKnownChannel(const std::string& name) {
  return std::find(std::begin(kChannelNames), std::end(kChannelNames), name) !=
         std::end(kChannelNames);
}

// Container mode: inputdataconfig.json, or the channel directories that exist.
std::vector<ChannelSpec> ContainerChannels(const fs::path& root) {
  const fs::path config_path = root / "input/config/inputdataconfig.json";
  const fs::path data = root / "input/data";
  std::vector<ChannelSpec> channels;
  const std::optional<json> config = ReadJsonFile(config_path);
  if (!config.has_value()) {
    for (const char* name : kChannelNames) {
      std::error_code ec;
      if (fs::exists(data / name, ec)) channels.push_back(Channel(name, data / name));
    }
    Log(LogLevel::kInfo, fmt::format("{} not found: using the channel directories under {}",
                                     config_path.string(), data.string()));
    return channels;
  }
  if (!config->is_object()) {
    throw InvalidInput(fmt::format("{}: expected a JSON object keyed by channel name",
                                   config_path.string()));
  }
  for (const auto& [name, entry] : config->items()) {
    if (name == "code") continue;  // SageMaker's optional code channel: not data
    if (!IsKnownChannel(name)) {
      throw InvalidInput(fmt::format(
          "{}: unknown channel \"{}\"; grove reads the channels train (required), validation "
          "and test; rename the input in fit() or remove it",
          config_path.string(), name));
    }
    ChannelSpec channel = Channel(name, data / name);
    ApplyChannelConfig(channel, entry, config_path.string());
    channels.push_back(std::move(channel));
  }
  return channels;
}

// Script and explicit mode: flags, then SM_CHANNEL_<NAME>.
std::vector<ChannelSpec> FlagChannels(const FitArgs& args, bool use_env) {
  std::optional<json> config;
  if (use_env) {
    if (auto text = Env("SM_INPUT_DATA_CONFIG")) config = ParseJsonText(*text, "SM_INPUT_DATA_CONFIG");
  }
  const std::optional<fs::path>* flags[] = {&args.train, &args.validation, &args.test};
  std::vector<ChannelSpec> channels;
  for (std::size_t k = 0; k < 3; ++k) {
    const std::string name = kChannelNames[k];
    std::optional<fs::path> path = *flags[k];
    if (!path.has_value() && use_env) {
      std::string upper = name;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (auto env = Env(("SM_CHANNEL_" + upper).c_str())) path = fs::path(*env);
    }
    if (!path.has_value()) continue;
    ChannelSpec channel = Channel(name, *path);
    if (config.has_value() && config->is_object() && config->contains(name)) {
      ApplyChannelConfig(channel, (*config)[name], "SM_INPUT_DATA_CONFIG");
    }
    channels.push_back(std::move(channel));
  }
  return channels;
}

void CheckChannels(std::vector<ChannelSpec>& channels, FitMode mode, const fs::path& root) {
  std::stable_sort(channels.begin(), channels.end(), [](const auto& a, const auto& b) {
    const auto rank = [](const std::string& n) {
      return std::find(std::begin(kChannelNames), std::end(kChannelNames), n) -
             std::begin(kChannelNames);
    };
    return rank(a.name) < rank(b.name);
  });
  if (channels.empty() || channels.front().name != "train") {
    const std::string how =
        mode == FitMode::kContainer
            ? fmt::format("declare a \"train\" input in fit() (expected in {} and data under {})",
                          (root / "input/config/inputdataconfig.json").string(),
                          (root / "input/data/train").string())
        : mode == FitMode::kScript ? std::string("set SM_CHANNEL_TRAIN or give --train PATH")
                                   : std::string("give --train PATH (explicit mode), or set "
                                                 "SM_CHANNEL_TRAIN (script mode), or run grove "
                                                 "train (container mode)");
    throw InvalidInput("Missing required channel: train; " + how);
  }
  for (ChannelSpec& channel : channels) {
    if (channel.input_mode == "Pipe") channel.path += "_0";  // epoch 0's FIFO
    std::error_code ec;
    if (!fs::exists(channel.path, ec)) {
      throw InvalidInput(fmt::format(
          "channel {}: {} does not exist; check the S3 prefix of the \"{}\" input (or the "
          "path given) and that it holds data",
          channel.name, channel.path.string(), channel.name));
    }
  }
}

std::vector<std::string> ContainerHosts(const fs::path& root) {
  const fs::path path = root / "input/config/resourceconfig.json";
  std::vector<std::string> hosts;
  if (const std::optional<json> config = ReadJsonFile(path)) {
    if (config->is_object() && config->contains("hosts") && (*config)["hosts"].is_array()) {
      for (const json& h : (*config)["hosts"]) {
        if (h.is_string()) hosts.push_back(h.get<std::string>());
      }
    }
  } else if (auto env = Env("SM_HOSTS")) {
    const json list = ParseJsonText(*env, "SM_HOSTS");
    if (list.is_array()) {
      for (const json& h : list) {
        if (h.is_string()) hosts.push_back(h.get<std::string>());
      }
    }
  }
  if (hosts.size() > 1) {
    throw InvalidInput(fmt::format(
        "this job has {} instances ({}), but grove trains on one instance; set "
        "instance_count=1 (a larger instance type gives more cores)",
        hosts.size(), fmt::join(hosts, ", ")));
  }
  return hosts;
}

std::optional<fs::path> CheckpointDir(const FitArgs& args, FitMode mode, const fs::path& root) {
  if (args.checkpoint_dir.has_value()) return args.checkpoint_dir;
  if (mode == FitMode::kExplicit) return std::nullopt;
  const fs::path path = root / "input/config/checkpointconfig.json";
  const std::optional<json> config = ReadJsonFile(path);
  if (!config.has_value()) return std::nullopt;
  if (!config->is_object()) {
    throw InvalidInput(fmt::format("{}: expected a JSON object with LocalPath", path.string()));
  }
  const std::string local = StringKey(*config, "LocalPath", "", path.string());
  return local.empty() ? root / "checkpoints" : fs::path(local);
}

}  // namespace

const ChannelSpec* JobSpec::Channel(std::string_view name) const {
  for (const ChannelSpec& c : channels) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string DecodeHyperparameter(const std::string& value) {
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') return value;
  try {
    const json decoded = json::parse(value);
    if (decoded.is_string()) return decoded.get<std::string>();
  } catch (const json::parse_error&) {
    // Not a JSON string literal after all: keep the text as written.
  }
  return value;
}

fs::path SageMakerRoot(const FitArgs& args) {
  if (args.sm_root.has_value()) return *args.sm_root;
  if (auto base = Env("SAGEMAKER_BASE_DIR")) return fs::path(*base);
  return "/opt/ml";
}

std::optional<fs::path> EarlyFailureFile(FitMode mode, const FitArgs& args) {
  if (mode == FitMode::kExplicit && !args.sm_root.has_value()) return std::nullopt;
  if (mode != FitMode::kExplicit) {
    if (auto dir = Env("SM_OUTPUT_DIR")) {
      if (!args.sm_root.has_value()) return fs::path(*dir) / "failure";
    }
  }
  return SageMakerRoot(args) / "output/failure";
}

JobSpec ResolveJob(FitMode mode, const FitArgs& args) {
  JobSpec job;
  job.mode = mode;
  job.root = SageMakerRoot(args);
  job.failure_file = EarlyFailureFile(mode, args);
  const bool sagemaker = mode != FitMode::kExplicit;
  // With --sm-root the whole contract lives under it; SM_* variables apply otherwise.
  const bool use_env = sagemaker && !args.sm_root.has_value();

  // Hyperparameters.
  if (mode == FitMode::kContainer) {
    const fs::path path = job.root / "input/config/hyperparameters.json";
    if (const std::optional<json> config = ReadJsonFile(path)) {
      job.hyperparameters = HyperparametersFromJson(*config, path.string(), true);
    } else if (auto hps = Env("SM_HPS"); hps && use_env) {
      job.hyperparameters =
          HyperparametersFromJson(ParseJsonText(*hps, "SM_HPS"), "SM_HPS", false);
    }
  } else if (mode == FitMode::kScript && args.hyperparameters.empty()) {
    if (auto hps = Env("SM_HPS")) {
      job.hyperparameters =
          HyperparametersFromJson(ParseJsonText(*hps, "SM_HPS"), "SM_HPS", false);
    }
  }
  for (const auto& [name, value] : args.hyperparameters) {
    if (mode == FitMode::kContainer) job.hyperparameters.erase(name);  // the flag wins
    AddHyperparameter(job.hyperparameters, name, DecodeHyperparameter(value), "command line");
  }

  // Channels.
  if (mode == FitMode::kContainer) {
    job.channels = ContainerChannels(job.root);
    for (ChannelSpec& channel : job.channels) {  // explicit flags still win
      const std::optional<fs::path>& flag = channel.name == "train"        ? args.train
                                            : channel.name == "validation" ? args.validation
                                                                           : args.test;
      if (flag.has_value()) channel.path = *flag;
    }
  } else {
    job.channels = FlagChannels(args, use_env || mode == FitMode::kScript);
  }
  CheckChannels(job.channels, mode, job.root);

  // Outputs.
  if (args.model_dir.has_value()) {
    job.model_dir = *args.model_dir;
  } else if (auto env = use_env ? Env("SM_MODEL_DIR") : std::nullopt) {
    job.model_dir = *env;
  } else if (sagemaker) {
    job.model_dir = job.root / "model";
  } else {
    throw InvalidInput("grove fit --train needs --model-dir DIR (where the model is written)");
  }
  if (args.output_data_dir.has_value()) {
    job.output_data_dir = *args.output_data_dir;
  } else if (auto env = use_env ? Env("SM_OUTPUT_DATA_DIR") : std::nullopt) {
    job.output_data_dir = *env;
  } else if (sagemaker || args.sm_root.has_value()) {
    job.output_data_dir = job.root / "output/data";
  }
  job.checkpoint_dir = CheckpointDir(args, mode, job.root);
  if (sagemaker) job.hosts = ContainerHosts(job.root);
  return job;
}

}  // namespace grove::cli
