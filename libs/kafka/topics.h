// The catalogue of casework's topics and their contracts: which service owns
// each domain topic (its CloudEvents source), the types it carries and the
// envelope its values decode as. Consumers check every record against it
// before applying it (CheckDomainRecord); what fails goes to the topic's
// dead-letter topic with the reason.
#ifndef CASEWORK_LIBS_KAFKA_TOPICS_H_
#define CASEWORK_LIBS_KAFKA_TOPICS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/common.pb.h"
#include "casework/v1/directory.pb.h"
#include "libs/kafka/kafka.h"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace casework::kafka {

struct DomainTopic {
  std::string service;                        // "ehc-assessments"
  std::string topic;                          // "casework.ehc-assessments.v1"
  std::string ce_source;                      // "/casework/ehc-assessments"
  std::string type_prefix;                    // "uk.send.casework.ehc.v1."
  const google::protobuf::Message* envelope;  // v1::EhcAssessmentEvent
};

// The domain services' topics (from the service catalogue,
// libs/host/catalogue.h).
const std::vector<DomainTopic>& DomainTopics();
// The topic's entry; null for a topic that is not a domain topic.
const DomainTopic* FindDomainTopic(absl::string_view topic);

// The record's envelope header when it keeps its topic's contract:
// ce_source is the topic's owner, ce_type the prefix and one of the event
// types the envelope carries, the value decodes as the envelope with that
// event set, and the metadata names a stream, a version from 1 and the owner
// as source (required). INVALID_ARGUMENT saying what is wrong otherwise.
absl::StatusOr<v1::EventEnvelopeHeader> CheckDomainRecord(
    const DomainTopic& topic, const Message& record);

inline constexpr char kDirectoryRecordType[] =
    "uk.send.casework.directory.v1.DirectoryRecord";

// The record of a casework.directory.v1 message when it keeps the topic's
// contract: ce_type kDirectoryRecordType (a record of another type would
// parse as a directory record by accident), a value that decodes, and an
// officer or a team with valid ids. INVALID_ARGUMENT saying why otherwise.
// The projection and every domain service's directory follower apply it.
absl::StatusOr<v1::DirectoryRecord> CheckDirectoryRecord(const Message& record);

}  // namespace casework::kafka

#endif  // CASEWORK_LIBS_KAFKA_TOPICS_H_
