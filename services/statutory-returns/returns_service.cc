#include "services/statutory-returns/returns_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/core/grpc_status.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"

namespace casework::returns {
namespace {

std::string Method(absl::string_view name) {
  return absl::StrCat("/casework.v1.ReturnsService/", name);
}

std::vector<audit::Read> Reads(const Sen2Return& r) {
  std::vector<audit::Read> reads;
  reads.reserve(r.persons.size());
  for (const Sen2Person& p : r.persons) reads.push_back({p.child_id, ""});
  return reads;
}

}  // namespace

absl::StatusOr<Sen2Return> BuildReturn(const ReturnsStore& store,
                                       const ReturnPeriod& period) {
  Sen2Return out;
  v1::Sen2Counts& n = out.counts;
  RETURN_IF_ERROR(store.ForEachChild([&](const ChildData& child) {
    Sen2Result r = BuildPerson(child, period);
    for (v1::Sen2Problem& p : r.problems) {
      if (p.severity() == v1::SEN2_SEVERITY_ERROR) {
        n.set_errors(n.errors() + 1);
      } else {
        n.set_warnings(n.warnings() + 1);
      }
      out.problems.push_back(std::move(p));
    }
    if (!r.person) return absl::OkStatus();
    n.set_persons(n.persons() + 1);
    for (const Sen2Request& q : r.person->requests) {
      n.set_requests(n.requests() + 1);
      if (q.received_in_period)
        n.set_requests_in_year(n.requests_in_year() + 1);
      if (q.active && q.active->active_at_census) {
        n.set_active_plans(n.active_plans() + 1);
      }
      if (q.assessment && q.assessment->plan &&
          q.assessment->plan->cease_date &&
          *q.assessment->plan->cease_date >= period.from &&
          *q.assessment->plan->cease_date <= period.to) {
        n.set_ceased_in_year(n.ceased_in_year() + 1);
      }
    }
    out.persons.push_back(std::move(*r.person));
    return absl::OkStatus();
  }));
  return out;
}

std::vector<v1::Sen2File> ReturnFiles(const Sen2Header& header,
                                      const Sen2Return& r) {
  std::vector<v1::Sen2File> files;
  v1::Sen2File& xml = files.emplace_back();
  xml.set_name(absl::StrCat("sen2-", header.period.year, ".xml"));
  xml.set_content(WriteSen2Xml(header, r.persons));
  for (auto& [name, content] : WriteSen2Csvs(header, r.persons)) {
    v1::Sen2File& f = files.emplace_back();
    f.set_name(name);
    f.set_content(std::move(content));
  }
  return files;
}

absl::StatusOr<ReturnPeriod> ReturnsServiceImpl::Period(
    int year, const v1::Date& census) const {
  const int now = clock_.Today().year();
  if (year < 2023 || year > now + 1) {
    return FieldError("year",
                      absl::StrCat("must be a census year from 2023 (the first "
                                   "person-level return) to ",
                                   now + 1));
  }
  std::optional<Date> day;
  if (IsSet(census)) {
    ASSIGN_OR_RETURN(Date d, FromProto("reference_date", census));
    if (d.year() != year || d.month() != 1) {
      return FieldError("reference_date",
                        absl::StrCat("the census day is in January ", year));
    }
    day = d;
  }
  return PeriodFor(year, day);
}

grpc::Status ReturnsServiceImpl::ExportSen2(grpc::ServerContext* ctx,
                                            const v1::ExportSen2Request* req,
                                            v1::Sen2Export* resp) {
  const std::string method = Method("ExportSen2");
  absl::StatusOr<auth::Principal> who = authorizer_.Authorize(*ctx, method);
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<ReturnPeriod> period =
      Period(req->year(), req->reference_date());
  if (!period.ok()) return ToGrpcStatus(period.status());
  if (config_.lea.empty()) {
    return ToGrpcStatus(NotAllowed(
        "the LA's number is not configured (statutory-returns --la-number "
        "NNN): the return's header needs it"));
  }
  absl::StatusOr<Sen2Return> r = BuildReturn(store_, *period);
  if (!r.ok()) return ToGrpcStatus(r.status());
  if (r->counts.errors() > 0 && !req->allow_errors()) {
    const v1::Sen2Problem* first = nullptr;
    for (const v1::Sen2Problem& p : r->problems) {
      if (p.severity() == v1::SEN2_SEVERITY_ERROR) {
        first = &p;
        break;
      }
    }
    return ToGrpcStatus(NotAllowed(absl::StrCat(
        "the ", req->year(), " return has ", r->counts.errors(),
        " errors that COLLECT would refuse (first: child ", first->child_id(),
        ", ", first->element(), ": ", first->message(),
        "); list them with casectl sen2 check, or export with allow_errors")));
  }
  absl::Status audited = audit_.Record(*who, method, Reads(*r));
  if (!audited.ok()) return ToGrpcStatus(audited);
  Sen2Header header{.period = *period,
                    .lea = config_.lea,
                    .release = config_.release,
                    .date_time = absl::FormatTime(
                        "%Y-%m-%dT%H:%M:%S", clock_.Now(), absl::UTCTimeZone()),
                    .dmo = config_.dmo,
                    .dco = config_.dco,
                    .dsco = config_.dsco};
  resp->set_year(period->year);
  *resp->mutable_reference_date() = ToProto(period->census);
  for (v1::Sen2File& f : ReturnFiles(header, *r)) {
    *resp->add_files() = std::move(f);
  }
  *resp->mutable_counts() = r->counts;
  resp->set_has_errors(r->counts.errors() > 0);
  return grpc::Status::OK;
}

grpc::Status ReturnsServiceImpl::CheckSen2(grpc::ServerContext* ctx,
                                           const v1::CheckSen2Request* req,
                                           v1::Sen2Check* resp) {
  const std::string method = Method("CheckSen2");
  absl::StatusOr<auth::Principal> who = authorizer_.Authorize(*ctx, method);
  if (!who.ok()) return ToGrpcStatus(who.status());
  if (!req->officer_id().empty()) {
    absl::Status id = ValidateId("officer_id", req->officer_id());
    if (!id.ok()) return ToGrpcStatus(id);
  }
  absl::StatusOr<ReturnPeriod> period =
      Period(req->year(), req->reference_date());
  if (!period.ok()) return ToGrpcStatus(period.status());
  absl::StatusOr<Sen2Return> r = BuildReturn(store_, *period);
  if (!r.ok()) return ToGrpcStatus(r.status());
  std::vector<audit::Read> reads;
  for (v1::Sen2Problem& p : r->problems) {
    if (!req->officer_id().empty() && p.officer_id() != req->officer_id()) {
      continue;
    }
    reads.push_back({p.child_id(), p.stream_id()});
    *resp->add_problems() = std::move(p);
  }
  absl::Status audited = audit_.Record(*who, method, reads);
  if (!audited.ok()) return ToGrpcStatus(audited);
  resp->set_year(period->year);
  *resp->mutable_reference_date() = ToProto(period->census);
  *resp->mutable_counts() = r->counts;
  return grpc::Status::OK;
}

}  // namespace casework::returns
