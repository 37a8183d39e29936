#include "libs/auth/call_notes.h"

#include <mutex>

#include "absl/container/flat_hash_map.h"

namespace casework::auth {
namespace {

struct Notes {
  std::mutex mu;
  absl::flat_hash_map<const void*, CallNote> calls;
};

Notes& TheNotes() {
  static auto* notes = new Notes();
  return *notes;
}

}  // namespace

void BeginCallNote(const void* call) {
  Notes& n = TheNotes();
  std::lock_guard<std::mutex> lock(n.mu);
  n.calls[call] = CallNote{};
}

void NoteCallActor(const void* call, absl::string_view actor,
                   absl::string_view roles) {
  Notes& n = TheNotes();
  std::lock_guard<std::mutex> lock(n.mu);
  auto it = n.calls.find(call);
  if (it == n.calls.end()) return;
  it->second.actor = std::string(actor);
  it->second.roles = std::string(roles);
}

CallNote EndCallNote(const void* call) {
  Notes& n = TheNotes();
  std::lock_guard<std::mutex> lock(n.mu);
  auto it = n.calls.find(call);
  if (it == n.calls.end()) return {};
  CallNote note = std::move(it->second);
  n.calls.erase(it);
  return note;
}

}  // namespace casework::auth
