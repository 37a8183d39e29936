// ReturnsService: the SEN2 return and its checks over gRPC (returns.proto).
// Access: admin and the "returns" role (libs/auth/policy.cc). A return names
// every child in it, so each export and check is an audited read of those
// children.
//
// Thread safety: as a gRPC service (reads a consistent snapshot per call).
#ifndef CASEWORK_SERVICES_STATUTORY_RETURNS_RETURNS_SERVICE_H_
#define CASEWORK_SERVICES_STATUTORY_RETURNS_RETURNS_SERVICE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/returns.grpc.pb.h"
#include "libs/audit/audit_log.h"
#include "libs/auth/authorizer.h"
#include "libs/core/clock.h"
#include "services/statutory-returns/sen2.h"
#include "services/statutory-returns/sen2_xml.h"
#include "services/statutory-returns/store.h"

namespace casework::returns {

struct ReturnsConfig {
  std::string lea;  // --la-number: the LA's 3-digit number
  std::string dmo = "N", dco = "N", dsco = "N";  // --sen2-officers DMO,DCO,DSCO
  std::string release;                           // the build, in the header
};

// The whole return of a period: every person in scope (child id order), the
// problems, and the counts.
struct Sen2Return {
  std::vector<Sen2Person> persons;
  std::vector<v1::Sen2Problem> problems;
  v1::Sen2Counts counts;
};
absl::StatusOr<Sen2Return> BuildReturn(const ReturnsStore& store,
                                       const ReturnPeriod& period);

// The files of an export: the XML first, then the CSVs.
std::vector<v1::Sen2File> ReturnFiles(const Sen2Header& header,
                                      const Sen2Return& r);

class ReturnsServiceImpl final : public v1::ReturnsService::Service {
 public:
  ReturnsServiceImpl(const ReturnsStore& store, const Clock& clock,
                     const auth::Authorizer& authorizer, audit::AuditLog& audit,
                     ReturnsConfig config)
      : store_(store),
        clock_(clock),
        authorizer_(authorizer),
        audit_(audit),
        config_(std::move(config)) {}

  grpc::Status ExportSen2(grpc::ServerContext* ctx,
                          const v1::ExportSen2Request* req,
                          v1::Sen2Export* resp) override;
  grpc::Status CheckSen2(grpc::ServerContext* ctx,
                         const v1::CheckSen2Request* req,
                         v1::Sen2Check* resp) override;

 private:
  absl::StatusOr<ReturnPeriod> Period(int year, const v1::Date& census) const;

  const ReturnsStore& store_;
  const Clock& clock_;
  const auth::Authorizer& authorizer_;
  audit::AuditLog& audit_;
  const ReturnsConfig config_;
};

}  // namespace casework::returns

#endif  // CASEWORK_SERVICES_STATUTORY_RETURNS_RETURNS_SERVICE_H_
