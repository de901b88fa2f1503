#include "config/text_proto.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <string>

#include "common/str_cat.h"

namespace serval {
namespace {

// Keeps the first error, with its position made 1-based.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  explicit FirstErrorCollector(std::string_view source_name) : source_name_(source_name) {}

  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!first_error_.empty()) return;
    first_error_ = StrCat(source_name_, ":", line + 1, ":", column + 1, ": ", message);
  }

  const std::string& first_error() const { return first_error_; }

 private:
  std::string_view source_name_;
  std::string first_error_;
};

absl::Status Parse(std::string_view text, std::string_view source_name,
                   google::protobuf::Message& message,
                   google::protobuf::TextFormat::ParseInfoTree* locations) {
  FirstErrorCollector errors(source_name);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (locations != nullptr) parser.WriteLocationsTo(locations);
  if (parser.ParseFromString(std::string(text), &message)) return absl::OkStatus();
  if (errors.first_error().empty()) {
    return absl::InvalidArgumentError(
        StrCat(source_name, ": not a valid text ", message.GetDescriptor()->full_name()));
  }
  return absl::InvalidArgumentError(errors.first_error());
}

}  // namespace

absl::Status ParseTextProto(std::string_view text, std::string_view source_name,
                            google::protobuf::Message& message) {
  return Parse(text, source_name, message, nullptr);
}

absl::Status ParseTextProto(std::string_view text, std::string_view source_name,
                            google::protobuf::Message& message,
                            google::protobuf::TextFormat::ParseInfoTree& locations) {
  return Parse(text, source_name, message, &locations);
}

}  // namespace serval
