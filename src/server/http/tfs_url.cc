#include "server/http/tfs_url.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/algorithm/container.h"
#include "absl/strings/numbers.h"
#include "common/str_cat.h"

namespace serval {
namespace {

// Removes `prefix` (compared case-insensitively) from the front of `text`.
bool ConsumePrefix(std::string_view& text, std::string_view prefix) {
  if (!absl::StartsWithIgnoreCase(ToAbsl(text), ToAbsl(prefix))) return false;
  text.remove_prefix(prefix.size());
  return true;
}

// The next segment: up to the first '/' or ':'; empty when there is none.
std::string_view ConsumeSegment(std::string_view& text) {
  size_t end = text.find_first_of("/:");
  std::string_view segment = text.substr(0, end);
  text.remove_prefix(segment.size());
  return segment;
}

bool ParseVerb(std::string_view verb, TfsEndpoint& endpoint) {
  if (absl::EqualsIgnoreCase(ToAbsl(verb), "predict")) {
    endpoint = TfsEndpoint::kPredict;
  } else if (absl::EqualsIgnoreCase(ToAbsl(verb), "classify")) {
    endpoint = TfsEndpoint::kClassify;
  } else if (absl::EqualsIgnoreCase(ToAbsl(verb), "regress")) {
    endpoint = TfsEndpoint::kRegress;
  } else {
    return false;
  }
  return true;
}

// "/versions/N" or "/labels/L", if `path` starts with either.
bool ParseVersionChoice(std::string_view& path, ModelSpec& model) {
  if (ConsumePrefix(path, "/versions/")) {
    std::string_view digits = ConsumeSegment(path);
    int64_t version = 0;
    if (digits.empty() || !absl::c_all_of(digits, absl::ascii_isdigit) ||
        !absl::SimpleAtoi(ToAbsl(digits), &version)) {
      return false;
    }
    model.version = version;
  } else if (ConsumePrefix(path, "/labels/")) {
    std::string_view label = ConsumeSegment(path);
    if (label.empty()) return false;
    model.label = PercentDecode(label);
  }
  return true;
}

}  // namespace

std::string PercentDecode(std::string_view text) {
  auto hex_value = [](char c) {
    return absl::ascii_isdigit(c) ? c - '0' : absl::ascii_tolower(c) - 'a' + 10;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && absl::ascii_isxdigit(text[i + 1]) &&
        absl::ascii_isxdigit(text[i + 2])) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::optional<TfsUrl> ParseTfsUrl(std::string_view method, std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  TfsUrl url;
  if (!ConsumePrefix(path, "/v1/models/")) return std::nullopt;
  std::string_view name = ConsumeSegment(path);
  if (name.empty()) return std::nullopt;
  url.model.name = PercentDecode(name);
  if (!ParseVersionChoice(path, url.model)) return std::nullopt;
  if (method == "POST") {
    if (!ConsumePrefix(path, ":") || !ParseVerb(path, url.endpoint)) return std::nullopt;
    return url;
  }
  if (method != "GET") return std::nullopt;
  if (path.empty()) return url;
  if (absl::EqualsIgnoreCase(ToAbsl(path), "/metadata")) {
    url.endpoint = TfsEndpoint::kMetadata;
    return url;
  }
  return std::nullopt;
}

}  // namespace serval
