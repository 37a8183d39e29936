#include "libs/eventstore/command_handler.h"

#include <google/protobuf/descriptor.h>

namespace casework {

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
