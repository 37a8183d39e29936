// The catalogue of casework's services: one row per service, read by every
// part that needs to know them - the service host (name, default port), the
// Kafka contract (topic, CloudEvents source and types, envelope), the
// projection (its one-letter source code in keys), casework-dev (what to
// start, in order), casectl (address flags and environment variables), and
// the deployment files, which tests/deploy/catalogue_test.py checks against
// `casework-dev --print-catalogue`. A fifth domain service is its folder plus
// one row here.
//
// Thread safety: immutable after first use.
#ifndef CASEWORK_LIBS_HOST_CATALOGUE_H_
#define CASEWORK_LIBS_HOST_CATALOGUE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace casework {

struct ServiceEntry {
  std::string name;         // "ehc-assessments": binary, data dir, source
  int port = 0;             // default gRPC port, 7101
  int metrics_port = 0;     // default --metrics-port in deployments, 9101
  std::string cli_name;     // casectl's --ehc flag and --service value
  std::string address_env;  // casectl's CASEWORK_EHC_ADDR
  // Domain services (those with a log and a topic); empty for consumers.
  std::string type_name;  // "ehc": CloudEvents types uk.send.casework.ehc.v1.*
  std::string projection_code;  // "e": the projection's key for the source
  // The topic's envelope (v1::EhcAssessmentEvent); null for a consumer.
  const google::protobuf::Message* envelope = nullptr;
  // The gRPC service of its public API, "casework.v1.EhcAssessmentService":
  // where the web gateway sends the browser's calls.
  std::string api;

  bool domain() const { return envelope != nullptr; }
  std::string topic() const;            // casework.ehc-assessments.v1
  std::string ce_source() const;        // /casework/ehc-assessments
  std::string type_prefix() const;      // uk.send.casework.ehc.v1.
  std::string default_address() const;  // 127.0.0.1:7101
};

// Every service, domain services first, in start order.
const std::vector<ServiceEntry>& Catalogue();
// The domain services' rows.
std::vector<const ServiceEntry*> DomainServices();
// The row of a service by name ("ehc-assessments") or casectl name ("ehc");
// null when there is none.
const ServiceEntry* FindService(absl::string_view name);

}  // namespace casework

#endif  // CASEWORK_LIBS_HOST_CATALOGUE_H_
