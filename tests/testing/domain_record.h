// A domain event as its service's relay publishes it, for tests and
// benchmarks that feed consumers without a relay: the owner's topic, the
// child as key, the envelope as the value (binary protobuf) and the
// CloudEvents headers the relay writes (kafka::CloudEventHeaders), so a
// generator cannot drift from the real records.
#ifndef CASEWORK_TESTS_TESTING_DOMAIN_RECORD_H_
#define CASEWORK_TESTS_TESTING_DOMAIN_RECORD_H_

#include <google/protobuf/message.h>

#include <string>

#include "casework/v1/common.pb.h"
#include "libs/eventstore/command_handler.h"
#include "libs/kafka/kafka.h"
#include "libs/kafka/topics.h"

namespace casework::testutil {

// The record of `envelope` (a v1::EhcAssessmentEvent, AnnualReviewEvent, ...:
// the envelope of a domain topic, with its metadata and one event set).
// Aborts on an envelope no domain topic carries (a test's mistake).
inline kafka::Message DomainRecord(const google::protobuf::Message& envelope) {
  const kafka::DomainTopic* owner = nullptr;
  for (const kafka::DomainTopic& t : kafka::DomainTopics()) {
    if (t.envelope->GetDescriptor() == envelope.GetDescriptor()) owner = &t;
  }
  if (owner == nullptr) {
    std::fprintf(stderr, "DomainRecord: no domain topic carries %s\n",
                 envelope.GetDescriptor()->full_name().c_str());
    std::abort();
  }
  v1::EventEnvelopeHeader header;
  header.ParseFromString(envelope.SerializeAsString());
  const v1::EventMetadata& m = header.metadata();
  StoredEvent stored;
  stored.position = m.position();
  stored.stream_id = m.stream_id();
  stored.version = m.version();
  stored.event_id = m.event_id();
  stored.child_id = m.child_id();
  stored.type = EventTypeName(envelope);
  stored.payload = envelope.SerializeAsString();
  kafka::RelayOptions relay;
  relay.ce_source = owner->ce_source;
  relay.ce_type_prefix = owner->type_prefix;
  relay.dataschema = envelope.GetDescriptor()->full_name();
  kafka::Message record;
  record.topic = owner->topic;
  record.key = m.child_id();
  record.value = std::move(stored.payload);
  stored.payload = record.value;
  record.headers = kafka::CloudEventHeaders(relay, stored);
  return record;
}

}  // namespace casework::testutil

#endif  // CASEWORK_TESTS_TESTING_DOMAIN_RECORD_H_
