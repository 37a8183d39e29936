// The caller's view of a RocksDB error: what kind it is (no space, I/O,
// corruption), never RocksDB's text, which names server files; the full text
// goes to the server log. Header-only: libs/core itself does not link RocksDB,
// its users do.
#ifndef CASEWORK_LIBS_CORE_ROCKS_STATUS_H_
#define CASEWORK_LIBS_CORE_ROCKS_STATUS_H_

#include <rocksdb/status.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/core/log.h"

namespace casework {

// OK for OK. Otherwise DATA_LOSS for corruption and UNAVAILABLE for the rest,
// as "<component>: <what>: <kind>" (no component: "<what>: <kind>").
inline absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what,
                              absl::string_view component = "") {
  if (s.ok()) return absl::OkStatus();
  LogError(component.empty() ? "storage error"
                             : absl::StrCat(component, ": storage error"),
           {{"operation", std::string(what)}, {"rocksdb", s.ToString()}});
  const std::string where = component.empty()
                                ? std::string(what)
                                : absl::StrCat(component, ": ", what);
  if (s.IsCorruption()) {
    return absl::DataLossError(absl::StrCat(where, ": stored data is corrupt"));
  }
  return absl::UnavailableError(
      absl::StrCat(where, ": ",
                   s.IsNoSpace()   ? "no space left on device"
                   : s.IsIOError() ? "I/O error"
                                   : "storage error"));
}

}  // namespace casework

#endif  // CASEWORK_LIBS_CORE_ROCKS_STATUS_H_
