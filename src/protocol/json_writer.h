#ifndef SERVAL_PROTOCOL_JSON_WRITER_H_
#define SERVAL_PROTOCOL_JSON_WRITER_H_

// JsonWriter: appends compact JSON text to a std::string, one token at a time.
//
// Commas are placed automatically. Inside an object, every value must be preceded by Key();
// elsewhere Key() is not allowed. Calls in the wrong order (a value where a key is due, an
// EndArray closing an object, a second top-level value) are bugs in the caller and CHECK-fail.
//
// Numbers follow TF Serving's REST output: integers as JSON integers; floating-point values as
// the shortest text that reads back to the same value (a float as a float, not widened to
// double), with ".0" appended when that text looks like an integer (3 -> 3.0, 1e+20 stays).
// NaN and infinities are written as the bare tokens NaN, Infinity and -Infinity, which strict
// JSON parsers reject but TF Serving's clients accept.
//
// String() escapes '"', '\\' and control characters; all other bytes, including bytes that are
// not valid UTF-8, are copied unchanged.
//
// Thread safety: none; one writer per thread, like the string it appends to.
//
//   std::string json;
//   JsonWriter writer(&json);
//   writer.BeginObject();
//   writer.Key("outputs");
//   writer.BeginArray();
//   writer.Float(2.5f);
//   writer.Float(3.0f);
//   writer.EndArray();
//   writer.EndObject();  // json == R"({"outputs":[2.5,3.0]})"

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/inlined_vector.h"

namespace serval {

class JsonWriter {
 public:
  // Appends to `*out`, which must outlive the writer.
  explicit JsonWriter(std::string* out);

  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();

  // The name of the next member of the enclosing object.
  void Key(std::string_view name);

  void String(std::string_view value);
  void Bool(bool value);
  void Int(int64_t value);
  void Uint(uint64_t value);
  void Double(double value);
  void Float(float value);
  void Null();

  // True once one complete top-level value has been written.
  bool complete() const { return scopes_.empty() && wrote_top_level_; }

 private:
  enum class Scope : char { kObject, kArray };

  // Bookkeeping shared by every value: checks the call order and writes the comma.
  void BeginValue();
  void EndScope(Scope scope);
  void AppendEscaped(std::string_view text);

  std::string* const out_;
  absl::InlinedVector<Scope, 16> scopes_;
  bool need_comma_ = false;   // a value or member precedes the next one in this scope
  bool key_pending_ = false;  // Key() was called and its value has not been written yet
  bool wrote_top_level_ = false;
};

// Appends `value` formatted as JsonWriter writes it (TF Serving style, see above).
void AppendJsonDouble(double value, std::string& out);
void AppendJsonFloat(float value, std::string& out);

}  // namespace serval

#endif  // SERVAL_PROTOCOL_JSON_WRITER_H_
