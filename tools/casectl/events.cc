// casectl events tail TOPIC: the events on a topic as readable JSON, whether
// published as protobuf or as JSON.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/numbers.h"
#include "casework/v1/annual_review.pb.h"
#include "casework/v1/complaints.pb.h"
#include "casework/v1/directory.pb.h"
#include "casework/v1/ehc_assessment.pb.h"
#include "casework/v1/transport.pb.h"
#include "libs/kafka/kafka.h"
#include "tools/casectl/cli.h"

namespace casework::cli {
namespace {

// The message type of a topic's values.
const google::protobuf::Descriptor* TypeOf(const std::string& topic) {
  if (topic == "casework.ehc-assessments.v1")
    return v1::EhcAssessmentEvent::descriptor();
  if (topic == "casework.annual-reviews.v1")
    return v1::AnnualReviewEvent::descriptor();
  if (topic == "casework.transport.v1") return v1::TransportEvent::descriptor();
  if (topic == "casework.complaints.v1")
    return v1::ComplaintsEvent::descriptor();
  if (topic == "casework.directory.v1")
    return v1::DirectoryRecord::descriptor();
  return nullptr;
}

}  // namespace

// --count N: stop after N records; --follow: keep waiting for new ones
// (otherwise stop when the topic has been quiet for 2 seconds).
int RunEventsTail(const Args& a, Client& client) {
  (void)client;
  const std::string topic = Positional(a, 2, "topic");
  const std::string brokers = a.Get("brokers", Env("CASEWORK_BROKERS", ""));
  if (brokers.empty())
    Die("--brokers HOST:PORT (or CASEWORK_BROKERS) is required");
  int64_t count = -1;
  if (a.Has("count") && !absl::SimpleAtoi(a.Get("count"), &count))
    Die("--count takes a number");
  const bool follow = a.Has("follow");
  const google::protobuf::Descriptor* type = TypeOf(topic);
  absl::StatusOr<std::unique_ptr<kafka::Consumer>> consumer =
      kafka::Consumer::Create(
          kafka::ConsumerOptions{.brokers = brokers,
                                 .properties = {{"fetch.wait.max.ms", "100"}},
                                 .group_id = "casectl-events-tail",
                                 .complete_history = false});
  if (!consumer.ok()) Fail(std::string(consumer.status().message()));
  absl::StatusOr<int> partitions =
      (*consumer)->PartitionCount(topic, absl::Seconds(10));
  if (!partitions.ok())
    Fail(absl::StrCat("topic ", topic, ": ", partitions.status().message()));
  std::map<std::pair<std::string, int32_t>, int64_t> from;
  for (int32_t p = 0; p < *partitions; ++p) from[{topic, p}] = 0;
  absl::Status assigned = (*consumer)->Assign(from);
  if (!assigned.ok()) Fail(std::string(assigned.message()));
  google::protobuf::DynamicMessageFactory factory;
  google::protobuf::util::JsonPrintOptions json;
  json.preserve_proto_field_names = true;
  int64_t shown = 0;
  absl::Time quiet_since = absl::Now();
  while (count < 0 || shown < count) {
    absl::StatusOr<std::optional<kafka::Message>> msg =
        (*consumer)->Poll(absl::Milliseconds(200));
    if (!msg.ok()) Die(std::string(msg.status().message()));
    if (!msg->has_value()) {
      if (!follow && absl::Now() - quiet_since > absl::Seconds(2)) break;
      continue;
    }
    quiet_since = absl::Now();
    const kafka::Message& m = **msg;
    std::string body;
    if (type != nullptr) {
      // Either encoding prints the same: the JSON mapping with proto names.
      std::unique_ptr<google::protobuf::Message> decoded(
          factory.GetPrototype(type)->New());
      if (kafka::DecodeValue(m, decoded.get()).ok()) {
        (void)google::protobuf::util::MessageToJsonString(*decoded, &body,
                                                          json);
      }
    } else if (kafka::HeaderOf(m, "content-type") == "application/json") {
      body = m.value;
    }
    if (body.empty()) body = "null";  // unreadable: see the dead-letter topic
    std::printf(
        "{\"partition\": %d, \"offset\": %lld, \"key\": \"%s\", \"type\": "
        "\"%s\", \"value\": %s}\n",
        m.partition, static_cast<long long>(m.offset), m.key.c_str(),
        kafka::HeaderOf(m, "ce_type").c_str(), body.c_str());
    std::fflush(stdout);
    ++shown;
  }
  return 0;
}

}  // namespace casework::cli
