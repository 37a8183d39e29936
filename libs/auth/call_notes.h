// CallNotes: what the Authorizer learnt about a call (the verified actor and
// roles), kept for the server's call observer (libs/rpc/observe.h) to log,
// count and audit when the call ends. Keyed by the call's
// grpc::ServerContextBase; a call is noted only between Begin and End, so
// handlers called without an observer (unit tests) leave nothing behind.
//
// Thread safety: thread-safe.
#ifndef CASEWORK_LIBS_AUTH_CALL_NOTES_H_
#define CASEWORK_LIBS_AUTH_CALL_NOTES_H_

#include <string>

#include "absl/strings/string_view.h"

namespace casework::auth {

struct CallNote {
  std::string actor;  // token subject; empty: not authenticated
  std::string roles;  // "officer,manager"
};

void BeginCallNote(const void* call);
// No effect for a call not begun.
void NoteCallActor(const void* call, absl::string_view actor,
                   absl::string_view roles);
CallNote EndCallNote(const void* call);

}  // namespace casework::auth

#endif  // CASEWORK_LIBS_AUTH_CALL_NOTES_H_
