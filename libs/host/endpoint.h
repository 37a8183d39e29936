// The request paths every domain service shares, in one place:
//
//   CommandEndpoint<Traits>::Run  authorize -> validate the envelope and every
//       field (PrepareCommand) -> run the pure decide function through the
//       CommandHandler (idempotency, case access, append) -> the status
//       mapped to gRPC. The service's adapter is a table of one line per RPC:
//         return commands_.Run(ctx, "DecideToAssess", *req, "assessment_id",
//             req->assessment_id(), [&](const Assessment& s, Date today) {
//               return Decide(s, *req, Env{today, calendar_}); }, resp);
//   CommandEndpoint<Traits>::Get  authorize -> validate the id -> load ->
//       NOT_FOUND when the case has no events -> attach the texts kept out of
//       events -> audit the read -> return.
//   ListCases  authorize (officer scope) -> CheckListing -> scan the index ->
//       load each -> page token -> audit every child returned.
// The call observer (libs/rpc/observe.h) logs, counts and audits refusals of
// every call; these paths do not log.
//
// Thread safety: thread-safe (gRPC calls them from many threads).
#ifndef CASEWORK_LIBS_HOST_ENDPOINT_H_
#define CASEWORK_LIBS_HOST_ENDPOINT_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/audit/audit_log.h"
#include "libs/auth/authorizer.h"
#include "libs/core/calendar.h"
#include "libs/core/clock.h"
#include "libs/core/grpc_status.h"
#include "libs/eventstore/command_handler.h"
#include "libs/eventstore/event_store.h"
#include "libs/rpc/command.h"
#include "libs/rpc/input.h"
#include "libs/rpc/listing.h"
#include "libs/rpc/proto_date.h"

namespace casework::host {

// The `casework-expected-version` metadata of a command (a front-end sends the
// version of the case its page showed): 0 when absent; INVALID_ARGUMENT when
// it is not a positive number.
absl::StatusOr<int64_t> ExpectedVersion(const grpc::ServerContext& ctx);

// What every endpoint of one gRPC service uses.
struct EndpointCore {
  std::string service;  // full name: "casework.v1.EhcAssessmentService"
  EventStore& store;
  const Clock& clock;
  const auth::Authorizer& authorizer;
  audit::AuditLog& audit;

  // "/casework.v1.EhcAssessmentService/<rpc>"
  std::string Method(absl::string_view rpc) const {
    return absl::StrCat("/", service, "/", rpc);
  }
};

template <typename Traits>
class CommandEndpoint {
 public:
  using State = typename Traits::State;
  using Event = typename Traits::Event;
  using Loaded = typename CommandHandler<Traits>::Loaded;
  // Attaches to a loaded case what the service keeps beside the log.
  using AttachFn = std::function<absl::Status(State&)>;

  explicit CommandEndpoint(const EndpointCore& core)
      : core_(core), handler_(core.store, core.clock) {}

  // `decide(state, today)` returns the absl::StatusOr<Decision<Event>>.
  template <typename DecideFn>
  grpc::Status Run(grpc::ServerContext* ctx, absl::string_view rpc,
                   const google::protobuf::Message& request,
                   absl::string_view id_field, const std::string& id,
                   DecideFn&& decide, v1::CommandResult* resp) const {
    return Execute(
        ctx, rpc, request, id_field, id, /*qa_any_case=*/false,
        [&](const State& state, Date today, const auth::Principal&) {
          return decide(state, today);
        },
        resp);
  }

  // As Run, for a quality-assurance step (an audit): a caller with the QA
  // role may take it on any case of the LA (everyone else passes the
  // case-level check as for any command), and `decide(state, today, who)`
  // sees the caller.
  template <typename DecideFn>
  grpc::Status RunQa(grpc::ServerContext* ctx, absl::string_view rpc,
                     const google::protobuf::Message& request,
                     absl::string_view id_field, const std::string& id,
                     DecideFn&& decide, v1::CommandResult* resp) const {
    return Execute(ctx, rpc, request, id_field, id, /*qa_any_case=*/true,
                   decide, resp);
  }

  // `noun` names the case in NOT_FOUND ("assessment").
  grpc::Status Get(grpc::ServerContext* ctx, absl::string_view rpc,
                   absl::string_view id_field, const std::string& id,
                   absl::string_view noun, State* out,
                   const AttachFn& attach = nullptr) const {
    const std::string method = core_.Method(rpc);
    absl::StatusOr<auth::Principal> who =
        core_.authorizer.Authorize(*ctx, method);
    if (!who.ok()) return ToGrpcStatus(who.status());
    absl::Status valid = ValidateId(id_field, id);
    if (!valid.ok()) return ToGrpcStatus(valid);
    absl::StatusOr<Loaded> loaded = Load(id, attach);
    if (!loaded.ok()) return ToGrpcStatus(loaded.status());
    // A stream of another kind of the service's cases (a disagreement read
    // as a complaint) is no case of this kind: every case has a child.
    if (loaded->version == 0 || Traits::ChildId(loaded->state).empty()) {
      return ToGrpcStatus(
          absl::NotFoundError(absl::StrCat(id_field, ": no ", noun, " ", id)));
    }
    absl::Status audited = core_.audit.Record(
        *who, method, {{Traits::ChildId(loaded->state), id}});
    if (!audited.ok()) return ToGrpcStatus(audited);
    *out = std::move(loaded->state);
    return grpc::Status::OK;
  }

  // The case folded from its events, with `attach` applied and the steps its
  // state allows now (Traits::AllowedActions) in `allowed_actions`.
  absl::StatusOr<Loaded> Load(const std::string& id,
                              const AttachFn& attach = nullptr) const {
    absl::StatusOr<Loaded> loaded = handler_.Load(id);
    if (loaded.ok() && attach && loaded->version > 0) {
      absl::Status attached = attach(loaded->state);
      if (!attached.ok()) return attached;
    }
    if (loaded.ok() && loaded->version > 0) {
      for (std::string& action : Traits::AllowedActions(loaded->state)) {
        loaded->state.add_allowed_actions(std::move(action));
      }
    }
    return loaded;
  }

  const CommandHandler<Traits>& handler() const { return handler_; }

 private:
  template <typename DecideFn>
  grpc::Status Execute(grpc::ServerContext* ctx, absl::string_view rpc,
                       const google::protobuf::Message& request,
                       absl::string_view id_field, const std::string& id,
                       bool qa_any_case, DecideFn&& decide,
                       v1::CommandResult* resp) const {
    const std::string method = core_.Method(rpc);
    absl::StatusOr<auth::Principal> who =
        core_.authorizer.Authorize(*ctx, method);
    if (!who.ok()) return ToGrpcStatus(who.status());
    const Date today = core_.clock.Today();
    absl::StatusOr<CommandContext> context = PrepareCommand(
        core_.authorizer, *who, method, request, id_field, id, today);
    if (!context.ok()) return ToGrpcStatus(context.status());
    if (qa_any_case && who->Has(auth::kQa)) context->authorize_case = nullptr;
    absl::StatusOr<int64_t> expected = ExpectedVersion(*ctx);
    if (!expected.ok()) return ToGrpcStatus(expected.status());
    absl::StatusOr<v1::CommandResult> result = handler_.Execute(
        id, *context,
        [&](const State& state,
            int64_t version) -> decltype(decide(state, today, *who)) {
          // A step taken on the page of an older version of the case is
          // refused, not applied over what someone else recorded meanwhile.
          if (*expected > 0 && version != *expected) {
            return absl::AbortedError(absl::StrCat(
                "the case changed since you opened it (it was at version ",
                *expected, ", it is now at ", version,
                "): look at it again before you record this step"));
          }
          return decide(state, today, *who);
        });
    if (!result.ok()) return ToGrpcStatus(result.status());
    *resp = std::move(*result);
    return grpc::Status::OK;
  }

  const EndpointCore& core_;
  CommandHandler<Traits> handler_;
};

// One page of a list query over a child or an officer index. `add` is
// called with the key after the index prefix (the case id, or what the
// service's index keeps), adds the case to the response and returns the read
// to audit. On any failure the response is cleared.
struct ListQuery {
  absl::string_view rpc;
  const std::string& child_id;
  const std::string& officer_id;
  int32_t page_size;
  const std::string& page_token;
  IndexKeyFn child_key;
  IndexKeyFn officer_key;
};
grpc::Status ListCases(
    const EndpointCore& core, grpc::ServerContext* ctx, const ListQuery& query,
    const std::function<absl::StatusOr<audit::Read>(const std::string& key)>&
        add,
    std::string* next_page_token, google::protobuf::Message* response);

}  // namespace casework::host

#endif  // CASEWORK_LIBS_HOST_ENDPOINT_H_
