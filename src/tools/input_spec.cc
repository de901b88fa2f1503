#include "tools/input_spec.h"

#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "common/status_macros.h"
#include "common/str_cat.h"

namespace serval {
namespace {

std::string_view Strip(std::string_view text) {
  return FromAbsl(absl::StripAsciiWhitespace(ToAbsl(text)));
}

// Splits at the commas outside brackets: "a:fp32[1,4],b:int64[1]" -> "a:fp32[1,4]", "b:int64[1]".
absl::StatusOr<std::vector<std::string_view>> SplitSpecs(std::string_view text) {
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t begin = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ',';
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (depth < 0 || depth > 1) {
      return absl::InvalidArgumentError(StrCat("unbalanced brackets in '", text, "'"));
    }
    if (c == ',' && depth == 0) {
      parts.push_back(Strip(text.substr(begin, i - begin)));
      begin = i + 1;
    }
  }
  if (depth != 0) return absl::InvalidArgumentError(StrCat("unbalanced brackets in '", text, "'"));
  return parts;
}

// "[1, 64]" -> {1, 64}; "[]" -> {}.
absl::StatusOr<Shape> ParseShape(std::string_view text, std::string_view spec) {
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') {
    return absl::InvalidArgumentError(
        StrCat("'", spec, "': the shape must be written in brackets, like fp32[1,64]"));
  }
  Shape shape;
  const std::string_view inside = Strip(text.substr(1, text.size() - 2));
  if (inside.empty()) return shape;
  size_t begin = 0;
  while (begin <= inside.size()) {
    size_t end = inside.find(',', begin);
    if (end == std::string_view::npos) end = inside.size();
    int64_t dim = 0;
    const std::string_view dim_text = Strip(inside.substr(begin, end - begin));
    if (!absl::SimpleAtoi(ToAbsl(dim_text), &dim) || dim < 0) {
      return absl::InvalidArgumentError(
          StrCat("'", spec, "': dimension '", dim_text, "' is not an integer >= 0"));
    }
    shape.push_back(dim);
    begin = end + 1;
  }
  return shape;
}

absl::StatusOr<TensorSpec> ParseOneSpec(std::string_view spec) {
  const size_t colon = spec.find(':');
  const size_t bracket = spec.find('[');
  if (colon == std::string_view::npos || colon == 0 || bracket == std::string_view::npos ||
      bracket < colon) {
    return absl::InvalidArgumentError(
        StrCat("'", spec, "' is not of the form name:dtype[dims], like x:fp32[1,64]"));
  }
  TensorSpec result;
  result.name = std::string(Strip(spec.substr(0, colon)));
  const std::string_view dtype = Strip(spec.substr(colon + 1, bracket - colon - 1));
  std::optional<DataType> parsed = ParseDataType(dtype);
  if (!parsed.has_value()) {
    return absl::InvalidArgumentError(
        StrCat("'", spec, "': unknown dtype '", dtype, "' (fp32, int64, bool, bytes, ...)"));
  }
  result.dtype = *parsed;
  ASSIGN_OR_RETURN(result.shape, ParseShape(Strip(spec.substr(bracket)), spec));
  result.has_shape = true;
  return result;
}

}  // namespace

absl::StatusOr<std::vector<TensorSpec>> ParseInputSpecs(std::string_view text) {
  if (Strip(text).empty()) return absl::InvalidArgumentError("no inputs given");
  ASSIGN_OR_RETURN(std::vector<std::string_view> parts, SplitSpecs(text));
  std::vector<TensorSpec> specs;
  absl::flat_hash_set<std::string> names;
  for (std::string_view part : parts) {
    if (part.empty()) return absl::InvalidArgumentError(StrCat("empty input in '", text, "'"));
    ASSIGN_OR_RETURN(TensorSpec spec, ParseOneSpec(part));
    if (!names.insert(spec.name).second) {
      return absl::InvalidArgumentError(StrCat("input '", spec.name, "' is given twice"));
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace serval
