// casectl admin ..., health, audit: operations (admins) and probes.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "casework/v1/admin.grpc.pb.h"
#include "casework/v1/audit.grpc.pb.h"
#include "casework/v1/ehc_assessment.grpc.pb.h"
#include "casework/v1/projection.grpc.pb.h"
#include "libs/core/clock.h"
#include "libs/core/grpc_status.h"
#include "libs/host/catalogue.h"
#include "libs/rpc/proto_date.h"
#include "libs/rpc/raw_call.h"
#include "tools/casectl/cli.h"
#include "tools/casectl/parse.h"

namespace casework::cli {

// The address of a consumer: the projection, or the annual-reviews
// service (its plan intake).
std::string ConsumerAddress(const Args& a) {
  const std::string consumer = a.Get("consumer", "projection");
  if (consumer == "reviews") return ServiceAddress(a, "reviews");
  if (consumer == "returns") return ServiceAddress(a, "returns");
  return ServiceAddress(a, "projection");
}

int RunConsumerAdmin(const std::string& verb, const Args& a, Client& client) {
  const bool projection = a.Get("consumer", "projection") == "projection";
  auto stub = v1::ConsumerAdminService::NewStub(client.Channel(
      verb == "status" || verb == "resume" ? ConsumerAddress(a)
                                           : ServiceAddress(a, "projection")));
  auto parked = [&](int32_t page_size)
      -> std::pair<grpc::Status, v1::ListParkedStreamsResponse> {
    grpc::ClientContext ctx;
    client.Context(&ctx);
    v1::ListParkedStreamsRequest r;
    r.set_page_size(page_size);
    v1::ListParkedStreamsResponse out;
    grpc::Status s = stub->ListParkedStreams(&ctx, r, &out);
    return {s, out};
  };
  if (verb == "status") {
    grpc::ClientContext ctx;
    client.Context(&ctx);
    v1::ConsumerStatus out;
    grpc::Status s = stub->GetConsumerStatus(&ctx, {}, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("%s: %s%s%s\n", out.name().c_str(),
                out.serving() ? "SERVING" : "NOT SERVING",
                out.reason().empty() ? "" : " - ", out.reason().c_str());
    std::printf(
        "lag %lld records; applied %lld, dead-lettered %lld, "
        "retries %lld since start\n",
        static_cast<long long>(out.lag()),
        static_cast<long long>(out.applied()),
        static_cast<long long>(out.dead_lettered()),
        static_cast<long long>(out.retries()));
    if (projection) {
      std::printf("streams held %lld, parked %lld\n",
                  static_cast<long long>(out.held_streams()),
                  static_cast<long long>(out.parked_streams()));
    }
    for (const v1::PartitionStatus& p : out.partitions()) {
      std::printf("  %-40s %3d  next %-8lld end %-8lld lag %lld\n",
                  p.topic().c_str(), p.partition(),
                  static_cast<long long>(p.next_offset()),
                  static_cast<long long>(p.end_offset()),
                  static_cast<long long>(p.lag()));
    }
    return out.serving() ? 0 : 1;
  }
  if (verb == "parked") {
    int32_t page = 0;
    if (a.Has("page-size") && !absl::SimpleAtoi(a.Get("page-size"), &page))
      Die("--page-size takes a number");
    auto [s, out] = parked(page);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    if (out.streams().empty()) std::printf("no stream is held or parked\n");
    for (const v1::ParkedStream& p : out.streams()) {
      if (p.parked_reason().empty()) {
        std::printf(
            "held    %s %s (child %s): applied to version %lld, "
            "waiting for %lld; %lld event(s) behind\n",
            p.source().c_str(), p.stream_id().c_str(), p.child_id().c_str(),
            static_cast<long long>(p.applied_version()),
            static_cast<long long>(p.waiting_for_version()),
            static_cast<long long>(p.held_events()));
      } else {
        std::printf(
            "parked  %s %s (child %s) at version %lld: %s; %lld "
            "event(s) behind\n",
            p.source().c_str(), p.stream_id().c_str(), p.child_id().c_str(),
            static_cast<long long>(p.parked_version()),
            p.parked_reason().c_str(), static_cast<long long>(p.held_events()));
      }
    }
    if (out.truncated()) std::printf("(more: raise --page-size)\n");
    return 0;
  }
  if (verb == "retry") {
    const std::string stream = Positional(a, 2, "STREAM");
    std::string source = a.Get("source", "");
    if (source.empty()) {
      // The service of the parked stream with that id.
      auto [s, out] = parked(1000);
      if (!s.ok()) return client.Check(s);
      std::vector<std::string> sources;
      for (const v1::ParkedStream& p : out.streams()) {
        if (p.stream_id() == stream && !p.parked_reason().empty()) {
          sources.push_back(p.source());
        }
      }
      if (sources.empty()) {
        Fail(absl::StrCat("stream ", stream,
                          " is not parked (casectl admin parked lists them)"));
      }
      if (sources.size() > 1) {
        Die(absl::StrCat("stream ", stream, " is parked in ", sources.size(),
                         " services: give --source"));
      }
      source = sources[0];
    }
    grpc::ClientContext ctx;
    client.Context(&ctx);
    v1::RetryStreamRequest r;
    r.set_source(source);
    r.set_stream_id(stream);
    v1::RetryStreamResponse out;
    grpc::Status s = stub->RetryStream(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("stream %s of %s applied\n", stream.c_str(), source.c_str());
    return 0;
  }
  // resume
  grpc::ClientContext ctx;
  client.Context(&ctx);
  v1::ResumeConsumerResponse out;
  grpc::Status s = stub->ResumeConsumer(&ctx, {}, &out);
  if (!s.ok()) return client.Check(s);
  if (client.json()) {
    client.PrintJson(out);
    return 0;
  }
  std::printf(
      "resuming partition %d of %s from the earliest offset the "
      "broker holds\n",
      out.partition(), out.topic().c_str());
  return 0;
}

int RunAdmin(const Args& a, Client& client) {
  const std::string verb =
      Positional(a, 1,
                 "admin command (republish, backup, status, parked, retry, "
                 "resume, broker)");
  if (verb == "status" || verb == "parked" || verb == "retry" ||
      verb == "resume") {
    return RunConsumerAdmin(verb, a, client);
  }
  if (verb == "broker") {
    // The dev stack's outage drills (casework-dev only).
    const std::string state = Positional(a, 2, "down or up");
    if (state != "down" && state != "up") Die("admin broker: down or up");
    auto stub = v1::DevStackService::NewStub(client.Channel(
        a.Get("dev", Env("CASEWORK_DEV_ADDR", "127.0.0.1:7100"))));
    v1::SetBrokerRequest r;
    r.set_up(state == "up");
    grpc::ClientContext ctx;
    client.Context(&ctx);
    v1::SetBrokerResponse out;
    grpc::Status s = stub->SetBroker(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("embedded broker %s\n", out.up() ? "up" : "down");
    return 0;
  }
  if (verb == "backup") {
    auto stub = v1::AdminService::NewStub(
        client.Channel(ServiceAddress(a, Require(a, "service"))));
    v1::BackupRequest r;
    r.set_name(a.Get("name"));
    grpc::ClientContext ctx;
    client.Context(&ctx);
    v1::BackupResponse out;
    grpc::Status s = stub->Backup(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("backup written to %s (log to position %lld, %lld bytes)\n",
                out.directory().c_str(),
                static_cast<long long>(out.last_position()),
                static_cast<long long>(out.bytes()));
    return 0;
  }
  if (verb != "republish") Die("unknown admin command (see casectl --help)");
  auto stub = v1::AdminService::NewStub(
      client.Channel(ServiceAddress(a, Require(a, "service"))));
  v1::RepublishRequest r;
  int64_t from = 1;
  if (a.Has("from") && !absl::SimpleAtoi(a.Get("from"), &from))
    Die("--from takes a log position (1: the whole log)");
  r.set_from_position(from);
  grpc::ClientContext ctx;
  client.Context(&ctx);
  v1::RepublishResponse out;
  grpc::Status s = stub->Republish(&ctx, r, &out);
  if (!s.ok()) return client.Check(s);
  if (client.json()) {
    client.PrintJson(out);
    return 0;
  }
  std::printf("re-publishing positions %lld to %lld\n",
              static_cast<long long>(out.from_position()),
              static_cast<long long>(out.last_position()));
  return 0;
}

// casectl health HOST:PORT: the grpc.health.v1 status of a service (no token
// needed); exit 0 when SERVING. For container health checks.
int RunHealth(const Args& a, Client& client) {
  const std::string address = Positional(a, 1, "HOST:PORT");
  const absl::StatusOr<bool> checked =
      CheckServing(client.Channel(address), absl::Seconds(3));
  if (!checked.ok()) return client.Check(ToGrpcStatus(checked.status()));
  const bool serving = *checked;
  if (client.json()) {
    client.PrintJsonObject({{"serving", serving ? "true" : "false"}},
                           {{"address", address},
                            {"status", serving ? "SERVING" : "NOT_SERVING"}});
    return serving ? 0 : 1;
  }
  std::printf("%s: %s\n", address.c_str(), serving ? "SERVING" : "NOT_SERVING");
  return serving ? 0 : 1;
}

int RunAudit(const Args& a, Client& client) {
  const std::string address = ServiceAddress(a, a.Get("service", "ehc"));
  auto stub = v1::AuditService::NewStub(client.Channel(address));
  v1::ListAuditEntriesRequest r;
  r.set_child_id(a.Get("child"));
  r.set_actor(a.Get("actor"));
  if (a.Has("page-size")) {
    int n = 0;
    if (!absl::SimpleAtoi(a.Get("page-size"), &n))
      Die("--page-size: not a number");
    r.set_page_size(n);
  }
  r.set_page_token(a.Get("page-token"));
  r.set_refusals(a.Has("refusals"));
  grpc::ClientContext ctx;
  client.Context(&ctx);
  v1::ListAuditEntriesResponse out;
  grpc::Status s = stub->ListAuditEntries(&ctx, r, &out);
  if (!s.ok()) return client.Check(s);
  if (client.json()) {
    client.PrintJson(out);
    return 0;
  }
  std::printf("%-8s %-24s %-16s %-18s %-14s %s\n", "seq", "at (UTC)", "actor",
              "roles", "child", "read");
  for (const v1::AuditEntry& e : out.entries()) {
    const absl::Time at = absl::FromUnixSeconds(e.at().seconds());
    std::string read = e.method().substr(e.method().rfind('/') + 1);
    if (!e.record_id().empty()) absl::StrAppend(&read, " ", e.record_id());
    if (e.outcome() == "refused") {
      absl::StrAppend(&read, " REFUSED", e.target().empty() ? "" : " ",
                      e.target(), ": ", e.reason());
    }
    std::printf(
        "%-8lld %-24s %-16s %-18s %-14s %s\n",
        static_cast<long long>(e.sequence()),
        absl::FormatTime("%Y-%m-%d %H:%M:%S", at, absl::UTCTimeZone()).c_str(),
        e.actor().c_str(), e.roles().c_str(), e.child_id().c_str(),
        read.c_str());
  }
  if (!out.next_page_token().empty()) {
    std::printf("more: --page-token %s\n", out.next_page_token().c_str());
  }
  return 0;
}

}  // namespace casework::cli
