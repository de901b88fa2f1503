#ifndef SERVAL_CONFIG_BYTE_SIZE_H_
#define SERVAL_CONFIG_BYTE_SIZE_H_

// ParseByteSize: a size in bytes as people write it in config files.
//
//   "1048576" -> 1048576      "512MB" -> 512'000'000      "2GiB" -> 2147483648     "1.5 KiB" ->
//   1536
//
// Suffixes (case-insensitive, an optional space before them): B; KB, MB, GB, TB (powers of 1000);
// KiB, MiB, GiB, TiB (powers of 1024). A fractional number is allowed with a suffix and rounded
// down to whole bytes. Thread safety: a pure function.

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace serval {

// INVALID_ARGUMENT (the message says what is accepted) for text that is no size, a negative
// size, or one over 2^63 - 1 bytes.
absl::StatusOr<int64_t> ParseByteSize(std::string_view text);

}  // namespace serval

#endif  // SERVAL_CONFIG_BYTE_SIZE_H_
