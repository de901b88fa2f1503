#ifndef SERVAL_CONFIG_TEXT_PROTO_H_
#define SERVAL_CONFIG_TEXT_PROTO_H_

// ParseTextProto: protocol-buffer text format (TF Serving's config files) into a message, with
// errors that say where.
//
//   tensorflow::serving::ModelServerConfig proto;
//   RETURN_IF_ERROR(ParseTextProto(text, "models.config", proto));
//   // on error: "models.config:3:5: Message type ... has no field named \"nmae\"."
//
// The whole text format is accepted: fields separated by newlines, spaces, ',' or ';',
// sub-messages as `name { }` or `name: { }`, single or double quotes, '#' comments, map entries
// as repeated `{ key: .. value: .. }`. Thread safety: a pure function.

#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>

#include <string_view>

#include "absl/status/status.h"

namespace serval {

// INVALID_ARGUMENT "SOURCE:LINE:COLUMN: message" (1-based) for the first syntax error; `message`
// is then partly filled.
absl::Status ParseTextProto(std::string_view text, std::string_view source_name,
                            google::protobuf::Message& message);

// The same, also recording in `locations` where each field was written (0-based lines and
// columns), for errors found after parsing:
//   locations.GetLocation(descriptor->FindFieldByName("max_batch_size"), 0).line
absl::Status ParseTextProto(std::string_view text, std::string_view source_name,
                            google::protobuf::Message& message,
                            google::protobuf::TextFormat::ParseInfoTree& locations);

}  // namespace serval

#endif  // SERVAL_CONFIG_TEXT_PROTO_H_
