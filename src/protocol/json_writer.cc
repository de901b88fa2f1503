#include "protocol/json_writer.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "common/check.h"

namespace serval {
namespace {

// Longest shortest-round-trip text of a double ("-2.2250738585072014e-308") plus slack.
constexpr size_t kMaxNumberChars = 32;

// Shared by float and double: `T` selects the precision whose shortest text is printed.
template <typename T>
void AppendFloatingPoint(T value, std::string& out) {
  if (std::isnan(value)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(value)) {
    out.append(value < 0 ? "-Infinity" : "Infinity");
    return;
  }
  char buffer[kMaxNumberChars];
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  CHECK(result.ec == std::errc()) << "to_chars failed for a finite value";
  const std::string_view text(buffer, result.ptr - buffer);
  out.append(text);
  // NaN and infinities returned above, so only '.' and 'e' can mark a non-integer text.
  if (text.find_first_of(".e") == std::string_view::npos) out.append(".0");
}

template <typename T>
void AppendInteger(T value, std::string& out) {
  char buffer[kMaxNumberChars];
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr - buffer);
}

// The escape for a byte that JSON does not allow raw inside a string; empty when none is needed.
std::string_view EscapeFor(unsigned char byte, char (&unicode_escape)[7]) {
  switch (byte) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\b':
      return "\\b";
    case '\f':
      return "\\f";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    default:
      break;
  }
  if (byte >= 0x20) return {};
  constexpr char kHex[] = "0123456789abcdef";
  unicode_escape[0] = '\\';
  unicode_escape[1] = 'u';
  unicode_escape[2] = '0';
  unicode_escape[3] = '0';
  unicode_escape[4] = kHex[byte >> 4];
  unicode_escape[5] = kHex[byte & 0xf];
  unicode_escape[6] = '\0';
  return std::string_view(unicode_escape, 6);
}

}  // namespace

void AppendJsonDouble(double value, std::string& out) { AppendFloatingPoint(value, out); }

void AppendJsonFloat(float value, std::string& out) { AppendFloatingPoint(value, out); }

JsonWriter::JsonWriter(std::string* out) : out_(out) { CHECK(out != nullptr); }

void JsonWriter::BeginValue() {
  if (scopes_.empty()) {
    CHECK(!wrote_top_level_) << "JsonWriter: a second top-level value";
    wrote_top_level_ = true;
    return;
  }
  if (scopes_.back() == Scope::kObject) {
    CHECK(key_pending_) << "JsonWriter: an object member needs Key() first";
    key_pending_ = false;
    return;
  }
  if (need_comma_) out_->push_back(',');
}

void JsonWriter::EndScope(Scope scope) {
  CHECK(!scopes_.empty() && scopes_.back() == scope) << "JsonWriter: unbalanced End call";
  CHECK(!key_pending_) << "JsonWriter: Key() without a value";
  scopes_.pop_back();
  out_->push_back(scope == Scope::kObject ? '}' : ']');
  need_comma_ = true;
}

void JsonWriter::BeginObject() {
  BeginValue();
  out_->push_back('{');
  scopes_.push_back(Scope::kObject);
  need_comma_ = false;
}

void JsonWriter::EndObject() { EndScope(Scope::kObject); }

void JsonWriter::BeginArray() {
  BeginValue();
  out_->push_back('[');
  scopes_.push_back(Scope::kArray);
  need_comma_ = false;
}

void JsonWriter::EndArray() { EndScope(Scope::kArray); }

void JsonWriter::Key(std::string_view name) {
  CHECK(!scopes_.empty() && scopes_.back() == Scope::kObject && !key_pending_)
      << "JsonWriter: Key() outside an object or twice in a row";
  if (need_comma_) out_->push_back(',');
  AppendEscaped(name);
  out_->push_back(':');
  key_pending_ = true;
}

void JsonWriter::String(std::string_view value) {
  BeginValue();
  AppendEscaped(value);
  need_comma_ = true;
}

void JsonWriter::Bool(bool value) {
  BeginValue();
  out_->append(value ? "true" : "false");
  need_comma_ = true;
}

void JsonWriter::Int(int64_t value) {
  BeginValue();
  AppendInteger(value, *out_);
  need_comma_ = true;
}

void JsonWriter::Uint(uint64_t value) {
  BeginValue();
  AppendInteger(value, *out_);
  need_comma_ = true;
}

void JsonWriter::Double(double value) {
  BeginValue();
  AppendJsonDouble(value, *out_);
  need_comma_ = true;
}

void JsonWriter::Float(float value) {
  BeginValue();
  AppendJsonFloat(value, *out_);
  need_comma_ = true;
}

void JsonWriter::Null() {
  BeginValue();
  out_->append("null");
  need_comma_ = true;
}

void JsonWriter::AppendEscaped(std::string_view text) {
  out_->push_back('"');
  size_t run_start = 0;  // start of the bytes not yet copied
  char unicode_escape[7];
  for (size_t i = 0; i < text.size(); ++i) {
    const std::string_view escape = EscapeFor(static_cast<unsigned char>(text[i]), unicode_escape);
    if (escape.empty()) continue;
    out_->append(text.substr(run_start, i - run_start));
    out_->append(escape);
    run_start = i + 1;
  }
  out_->append(text.substr(run_start));
  out_->push_back('"');
}

}  // namespace serval
