#include "protocol/raw_tensor.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "common/status_macros.h"
#include "common/str_cat.h"

namespace serval {
namespace {

// Raw bytes are little-endian; so is every machine Serval runs on, which lets fixed-size elements
// be used (and aliased) as they are.
static_assert(std::endian::native == std::endian::little,
              "raw tensor bytes are little-endian; a big-endian host would need byte swaps");

constexpr size_t kLengthPrefixBytes = 4;

absl::Status RawError(std::string_view name, std::string_view detail) {
  return absl::InvalidArgumentError(StrCat("input '", name, "': ", detail));
}

uint32_t ReadLengthPrefix(const char* at) {
  uint32_t length;
  std::memcpy(&length, at, sizeof(length));
  return length;
}

absl::Status CheckBools(std::string_view name, std::string_view bytes) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (byte > 1) {
      return RawError(name, StrCat("BOOL element ", i, " is the byte ", byte,
                                   "; BOOL elements must be 0 or 1"));
    }
  }
  return absl::OkStatus();
}

// A fixed-size dtype: the bytes must be exactly elements x size.
absl::StatusOr<Tensor> FixedSizeTensor(std::string_view name, DataType dtype, const Shape& shape,
                                       int64_t elements, std::string_view bytes,
                                       std::shared_ptr<const void> owner) {
  const size_t element_size = DataTypeSize(dtype);
  // Compared by division, so that a huge shape cannot overflow the product.
  if (bytes.size() % element_size != 0 ||
      bytes.size() / element_size != static_cast<uint64_t>(elements)) {
    return RawError(name, StrCat(bytes.size(), " bytes of data, but shape ", ShapeToString(shape),
                                 " of ", KServeDataTypeName(dtype), " needs ", elements,
                                 " elements x ", element_size, " bytes"));
  }
  if (dtype == DataType::kBool) {
    // Any other byte in a C++ bool is undefined behaviour once the model reads it.
    RETURN_IF_ERROR(CheckBools(name, bytes));
  }
  const bool aligned = reinterpret_cast<uintptr_t>(bytes.data()) % element_size == 0;
  if (owner != nullptr && aligned && !bytes.empty()) {
    // Tensor::Wrap takes mutable memory; the request path only reads input buffers.
    return Tensor::Wrap(dtype, shape, std::const_pointer_cast<void>(std::move(owner)),
                        const_cast<char*>(bytes.data()));
  }
  Tensor tensor = Tensor::Zeros(dtype, shape);
  if (!bytes.empty()) std::memcpy(tensor.mutable_raw_data(), bytes.data(), bytes.size());
  return tensor;
}

// BYTES: a 4-byte length before each element; the prefixes must cover the bytes exactly.
absl::StatusOr<Tensor> StringTensor(std::string_view name, const Shape& shape, int64_t elements,
                                    std::string_view bytes) {
  // Every element takes at least its prefix, which bounds the count before anything is allocated.
  if (static_cast<uint64_t>(elements) > bytes.size() / kLengthPrefixBytes) {
    return RawError(
        name, StrCat("shape ", ShapeToString(shape), " has ", elements, " BYTES elements, but ",
                     bytes.size(), " bytes of data hold at most ",
                     bytes.size() / kLengthPrefixBytes, " (each starts with a 4-byte length)"));
  }
  std::vector<std::string> values;
  values.reserve(elements);
  size_t offset = 0;
  while (offset < bytes.size()) {
    if (static_cast<int64_t>(values.size()) == elements) {
      return RawError(
          name, StrCat("BYTES data holds more than the ", elements, " elements of shape ",
                       ShapeToString(shape), ": ", bytes.size() - offset, " bytes are left over"));
    }
    if (bytes.size() - offset < kLengthPrefixBytes) {
      return RawError(
          name, StrCat("BYTES data ends inside the 4-byte length of element ", values.size()));
    }
    const uint32_t length = ReadLengthPrefix(bytes.data() + offset);
    offset += kLengthPrefixBytes;
    if (length > bytes.size() - offset) {
      return RawError(name, StrCat("BYTES element ", values.size(), " has length ", length,
                                   ", but only ", bytes.size() - offset, " bytes are left"));
    }
    values.emplace_back(bytes.substr(offset, length));
    offset += length;
  }
  if (static_cast<int64_t>(values.size()) != elements) {
    return RawError(name, StrCat("BYTES data holds ", values.size(), " elements, but shape ",
                                 ShapeToString(shape), " has ", elements));
  }
  return Tensor::FromStrings(shape, std::move(values));
}

}  // namespace

absl::StatusOr<Tensor> TensorFromRawBytes(std::string_view name, DataType dtype, const Shape& shape,
                                          std::string_view bytes,
                                          std::shared_ptr<const void> owner) {
  const std::optional<int64_t> elements = CheckedNumElements(shape);
  if (!elements.has_value()) {
    return RawError(name, StrCat("shape ", ShapeToString(shape),
                                 " has a negative dimension or too many elements"));
  }
  if (dtype == DataType::kString) return StringTensor(name, shape, *elements, bytes);
  return FixedSizeTensor(name, dtype, shape, *elements, bytes, std::move(owner));
}

size_t RawByteSize(const Tensor& tensor) {
  if (tensor.dtype() != DataType::kString) return tensor.byte_size();
  size_t size = 0;
  for (const std::string& value : tensor.strings()) size += kLengthPrefixBytes + value.size();
  return size;
}

absl::Status AppendRawBytes(const Tensor& tensor, std::string& out) {
  if (tensor.dtype() != DataType::kString) {
    out.append(static_cast<const char*>(tensor.raw_data()), tensor.byte_size());
    return absl::OkStatus();
  }
  const absl::Span<const std::string> values = tensor.strings();
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].size() > std::numeric_limits<uint32_t>::max()) {
      return absl::InvalidArgumentError(StrCat("BYTES element ", i, " is ", values[i].size(),
                                               " bytes long, more than a 4-byte length can say"));
    }
  }
  out.reserve(out.size() + RawByteSize(tensor));
  for (const std::string& value : values) {
    const auto length = static_cast<uint32_t>(value.size());
    char prefix[kLengthPrefixBytes];
    std::memcpy(prefix, &length, sizeof(length));
    out.append(prefix, kLengthPrefixBytes);
    out.append(value);
  }
  return absl::OkStatus();
}

}  // namespace serval
