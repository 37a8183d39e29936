// The checks every domain service makes on a command after Authorize, in one
// place: the request id (ValidateRequestId), the id of the case it names,
// every field of the request (ValidateCommandInput, the SEND regime's dates),
// and the case-level access check (Authorizer::AuthorizeCase) that the command
// handler calls with the case's holder. Returns the CommandContext to execute
// with, or the first refusal.
//
// Thread safety: a pure function; the returned context refers to
// `authorizer`, which must outlive it.
#ifndef CASEWORK_LIBS_RPC_COMMAND_H_
#define CASEWORK_LIBS_RPC_COMMAND_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/auth/authorizer.h"
#include "libs/core/date.h"
#include "libs/eventstore/command_handler.h"

namespace casework {

absl::StatusOr<CommandContext> PrepareCommand(
    const auth::Authorizer& authorizer, const auth::Principal& who,
    absl::string_view method, const google::protobuf::Message& request,
    absl::string_view id_field, absl::string_view id, Date today);

}  // namespace casework

#endif  // CASEWORK_LIBS_RPC_COMMAND_H_
