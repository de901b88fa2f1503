#include "config/byte_size.h"

#include <cctype>
#include <cmath>
#include <limits>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "common/str_cat.h"

namespace serval {
namespace {

struct Unit {
  std::string_view suffix;  // lower case
  double bytes;
};

constexpr Unit kUnits[] = {
    {"", 1},      {"b", 1},        {"kb", 1e3},     {"mb", 1e6},     {"gb", 1e9},
    {"tb", 1e12}, {"kib", 0x1p10}, {"mib", 0x1p20}, {"gib", 0x1p30}, {"tib", 0x1p40},
};

absl::Status NotASize(std::string_view text) {
  return absl::InvalidArgumentError(
      StrCat("'", text,
             "' is not a size: write bytes, or a number with B, KB, MB, GB, TB, KiB, "
             "MiB, GiB or TiB"));
}

}  // namespace

absl::StatusOr<int64_t> ParseByteSize(std::string_view text) {
  const std::string_view trimmed = FromAbsl(absl::StripAsciiWhitespace(ToAbsl(text)));
  size_t number_end = 0;
  while (number_end < trimmed.size() &&
         (std::isdigit(static_cast<unsigned char>(trimmed[number_end])) ||
          trimmed[number_end] == '.')) {
    ++number_end;
  }
  const std::string_view number = trimmed.substr(0, number_end);
  const std::string suffix =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(ToAbsl(trimmed.substr(number_end))));
  if (number.empty()) return NotASize(text);

  const Unit* unit = nullptr;
  for (const Unit& candidate : kUnits) {
    if (candidate.suffix == suffix) unit = &candidate;
  }
  if (unit == nullptr) return NotASize(text);

  if (number.find('.') == std::string_view::npos && unit->bytes == 1) {
    int64_t bytes = 0;
    if (!absl::SimpleAtoi(ToAbsl(number), &bytes)) {
      return absl::InvalidArgumentError(StrCat("size '", text, "' is too large"));
    }
    return bytes;
  }
  double value = 0;
  if (!absl::SimpleAtod(ToAbsl(number), &value)) return NotASize(text);
  const double bytes = std::floor(value * unit->bytes);
  // 2^63 is the first double past int64's range.
  if (!(bytes < 0x1p63)) {
    return absl::InvalidArgumentError(StrCat("size '", text, "' is too large"));
  }
  return static_cast<int64_t>(bytes);
}

}  // namespace serval
