#include "libs/eventstore/command_handler.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <openssl/evp.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace casework {

std::string RequestDigest(absl::string_view method, absl::string_view actor,
                          const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  return RequestDigest(method, actor, absl::string_view(bytes));
}

std::string RequestDigest(absl::string_view method, absl::string_view actor,
                          absl::string_view bytes) {
  // Length-prefixed parts, so no two (method, actor, request) triples share
  // an input.
  std::string input;
  for (absl::string_view part : {method, actor, absl::string_view(bytes)}) {
    absl::StrAppend(&input, part.size(), ":", part);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(),
                 nullptr) != 1) {
    // Without a digest a repeat cannot be told from a different command;
    // the whole input (bounded by the gRPC message limit) serves instead.
    return input;
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

CommandContext CommandContextFor(absl::string_view actor,
                                 absl::string_view method,
                                 const google::protobuf::Message& request) {
  CommandContext context;
  context.actor = std::string(actor);
  const google::protobuf::FieldDescriptor* field =
      request.GetDescriptor()->FindFieldByName("request_id");
  if (field != nullptr &&
      field->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
      !field->is_repeated()) {
    context.request_id = request.GetReflection()->GetString(request, field);
  }
  context.request_digest = RequestDigest(method, actor, request);
  return context;
}

absl::Status ValidateRequestId(absl::string_view request_id) {
  if (request_id.empty()) {
    return FieldError("request_id",
                      "is required: every command carries a client-made id "
                      "(e.g. a UUID) so that a retry is recorded once");
  }
  if (request_id.size() > 128) {
    return FieldError("request_id", "must be at most 128 characters");
  }
  for (char c : request_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                    c == ':' || c == '-';
    if (!ok) {
      return FieldError("request_id",
                        "may contain only letters, digits and . _ : -");
    }
  }
  return absl::OkStatus();
}

std::string EventTypeName(const google::protobuf::Message& envelope) {
  const google::protobuf::Descriptor* d = envelope.GetDescriptor();
  const google::protobuf::OneofDescriptor* oneof = d->FindOneofByName("event");
  if (oneof == nullptr) return d->name();
  const google::protobuf::FieldDescriptor* field =
      envelope.GetReflection()->GetOneofFieldDescriptor(envelope, oneof);
  if (field == nullptr || field->message_type() == nullptr) return "Unknown";
  return field->message_type()->name();
}

void ToCommandResult(const AppendResult& append, v1::CommandResult* result) {
  result->set_stream_id(append.stream_id);
  result->set_version(append.last_version);
  result->set_position(append.last_position);
  result->clear_event_ids();
  for (const std::string& id : append.event_ids) result->add_event_ids(id);
  result->set_repeated(append.repeated);
}

}  // namespace casework
