#include "libs/kafka/topics.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/eventstore/command_handler.h"
#include "libs/host/catalogue.h"
#include "libs/rpc/proto_date.h"

namespace casework::kafka {
namespace {

// Whether `name` is the message type of a field of the envelope's `event`
// oneof.
bool CarriesType(const google::protobuf::Descriptor* envelope,
                 absl::string_view name) {
  const google::protobuf::OneofDescriptor* oneof =
      envelope->FindOneofByName("event");
  if (oneof == nullptr) return false;
  for (int i = 0; i < oneof->field_count(); ++i) {
    const google::protobuf::Descriptor* t = oneof->field(i)->message_type();
    if (t != nullptr && t->name() == name) return true;
  }
  return false;
}

}  // namespace

const std::vector<DomainTopic>& DomainTopics() {
  static const auto* topics = [] {
    auto* out = new std::vector<DomainTopic>();
    for (const ServiceEntry* e : DomainServices()) {
      out->push_back(DomainTopic{e->name, e->topic(), e->ce_source(),
                                 e->type_prefix(), e->envelope});
    }
    return out;
  }();
  return *topics;
}

const DomainTopic* FindDomainTopic(absl::string_view topic) {
  for (const DomainTopic& t : DomainTopics()) {
    if (t.topic == topic) return &t;
  }
  return nullptr;
}

absl::StatusOr<v1::EventEnvelopeHeader> CheckDomainRecord(
    const DomainTopic& topic, const Message& record) {
  const std::string source = HeaderOf(record, "ce_source");
  if (source != topic.ce_source) {
    return absl::InvalidArgumentError(
        absl::StrCat("ce_source: '", source.substr(0, 100), "' is not ",
                     topic.ce_source, ", the owner of ", topic.topic));
  }
  const std::string type = HeaderOf(record, "ce_type");
  absl::string_view name = type;
  if (!absl::ConsumePrefix(&name, topic.type_prefix) ||
      !CarriesType(topic.envelope->GetDescriptor(), name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("ce_type: '", type.substr(0, 100), "' is not an event ",
                     topic.topic, " carries (", topic.type_prefix, "<Event>)"));
  }
  std::unique_ptr<google::protobuf::Message> envelope(topic.envelope->New());
  RETURN_IF_ERROR(DecodeValue(record, envelope.get()));
  if (EventTypeName(*envelope) != name) {
    return absl::InvalidArgumentError(absl::StrCat("the value is not a ", name,
                                                   " event (ce_type says it "
                                                   "is; the value carries ",
                                                   EventTypeName(*envelope),
                                                   ")"));
  }
  v1::EventEnvelopeHeader header;
  RETURN_IF_ERROR(DecodeValue(record, &header));
  const v1::EventMetadata& m = header.metadata();
  if (m.stream_id().empty()) {
    return absl::InvalidArgumentError("metadata.stream_id is empty");
  }
  if (m.version() < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("metadata.version ", m.version(), " is below 1"));
  }
  if (m.source().empty()) {
    // A stream is known by its source and id: without the source it would
    // be filed apart from the rest of its stream.
    return absl::InvalidArgumentError(absl::StrCat(
        "metadata.source is empty (the contract requires the owning service, ",
        topic.service, ")"));
  }
  if (m.source() != topic.service) {
    return absl::InvalidArgumentError(absl::StrCat("metadata.source '",
                                                   m.source().substr(0, 100),
                                                   "' is not ", topic.service));
  }
  return header;
}

absl::StatusOr<v1::DirectoryRecord> CheckDirectoryRecord(
    const Message& record) {
  const std::string type = HeaderOf(record, "ce_type");
  if (type != kDirectoryRecordType) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ce_type: '", type.substr(0, 100), "' is not ", kDirectoryRecordType,
        " (the only type casework.directory.v1 carries)"));
  }
  v1::DirectoryRecord out;
  RETURN_IF_ERROR(DecodeValue(record, &out));
  if (out.has_officer()) {
    const v1::Officer& o = out.officer();
    RETURN_IF_ERROR(ValidateId("officer_id", o.officer_id()));
    if (!o.team_id().empty() && !ValidateId("team_id", o.team_id()).ok()) {
      return absl::InvalidArgumentError("team_id: not a valid id");
    }
  } else if (out.has_team()) {
    RETURN_IF_ERROR(ValidateId("team_id", out.team().team_id()));
  } else {
    return absl::InvalidArgumentError("neither an officer nor a team");
  }
  return out;
}

}  // namespace casework::kafka
