#include "libs/rpc/command.h"

#include "libs/core/status.h"
#include "libs/rpc/input.h"
#include "libs/rpc/proto_date.h"

namespace casework {

absl::StatusOr<CommandContext> PrepareCommand(
    const auth::Authorizer& authorizer, const auth::Principal& who,
    absl::string_view method, const google::protobuf::Message& request,
    absl::string_view id_field, absl::string_view id, Date today) {
  CommandContext context = CommandContextFor(who.subject, method, request);
  RETURN_IF_ERROR(ValidateRequestId(context.request_id));
  RETURN_IF_ERROR(ValidateId(id_field, id));
  RETURN_IF_ERROR(ValidateCommandInput(request, SendRegimeRules(today)));
  context.authorize_case = [&authorizer, who](const std::string& holder,
                                              const std::string& new_holder) {
    return authorizer.AuthorizeCase(who, holder, new_holder);
  };
  return context;
}

}  // namespace casework
