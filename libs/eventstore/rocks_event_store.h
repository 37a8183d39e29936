// RocksEventStore: EventStore on RocksDB with a synced WAL and group commit.
//
// All appends go through one writer thread: it takes every request queued since
// its last write, checks versions and request ids, assigns consecutive
// positions, writes them all in one WriteBatch with sync=true, and only then
// completes the callers. Many concurrent commands therefore share one fsync
// (group commit) and positions are gap-free in commit order.
//
// Key layout (one column family):
//   L<position:8 BE>                 -> log record
//   S<stream>\0<version:8 BE>        -> position
//   R<request id>                    -> append result
//   C<cursor name>                   -> int64
//   I<index key>                     -> value
//
// When a write fails (disk full, I/O error) nothing of its group is
// acknowledged and positions stay gap-free; WriteHealth() then reports the
// failure and every append is refused with UNAVAILABLE until the store has
// recovered: RocksDB's Resume(), or closing and reopening the database when
// RocksDB holds the error fatal. Recovery is tried before each later append
// and every `recovery_interval` meanwhile, so the store comes back by itself
// once the disk does. Error messages for callers never name server files; the
// full RocksDB message goes to the server log.
//
// Thread safety: thread-safe. RocksDB types stay inside the .cc file.
#ifndef CASEWORK_LIBS_EVENTSTORE_ROCKS_EVENT_STORE_H_
#define CASEWORK_LIBS_EVENTSTORE_ROCKS_EVENT_STORE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/rocks_db.h"
#include "libs/eventstore/event_store.h"
#include "libs/eventstore/storage_faults.h"

namespace casework {

class RocksEventStore : public EventStore {
 public:
  struct Options {
    // fsync the WAL before acknowledging (turn off only in throwaway benchmarks
    // of the rest).
    bool sync = true;
    // Most appends committed in one group.
    size_t max_group = 1024;
    // Stamp each event's log position into its payload, read as a protobuf
    // envelope whose field 1 is casework.v1.EventMetadata (position is its
    // field 4). Off for opaque payloads.
    bool stamp_position = true;
    // Block cache for reads, in bytes.
    size_t block_cache_bytes = 64 << 20;
    // Most appends waiting for the writer; one more is RESOURCE_EXHAUSTED
    // (bounded memory under overload).
    size_t max_queued = 4096;
    // How often a failed store tries to recover while no append asks it to.
    absl::Duration recovery_interval = absl::Seconds(2);
    // Tests only: make the store's files fail (storage_faults.h).
    std::shared_ptr<StorageFaults> faults;
  };

  // Tries to recover from a failed write now (see the class comment). OK when
  // the store can write (again); UNAVAILABLE when it still cannot.
  virtual absl::Status TryRecover() = 0;

  // Appends waiting for the writer now.
  virtual size_t QueuedAppends() const = 0;

  // RocksDB's figures that matter to an operator, for metrics.
  using DbFigures = RocksFigures;
  virtual DbFigures Figures() const = 0;

  // Writes a consistent copy of the whole database (the log, the indexes, the
  // texts kept beside it, the relay's cursor) to `dir`, which must not exist
  // (a RocksDB checkpoint: files hard-linked where the file system allows).
  // Every append acknowledged before the call is in it. The copy opens as a
  // store of its own: restore by pointing --data-dir at it (or copying it).
  virtual absl::Status Checkpoint(const std::string& dir) = 0;

  // Calls `listener` (from the store's writer thread) whenever WriteHealth()
  // changes, with its new value. One listener; set it before appending.
  virtual void SetHealthListener(
      std::function<void(const absl::Status&)> listener) = 0;

  // Opens (creating if missing) the store in `dir`. UNAVAILABLE when the
  // database cannot be opened (e.g. locked by another process).
  static absl::StatusOr<std::unique_ptr<RocksEventStore>> Open(
      const std::string& dir, Options options);
  static absl::StatusOr<std::unique_ptr<RocksEventStore>> Open(
      const std::string& dir) {
    return Open(dir, Options{});
  }
};

}  // namespace casework

#endif  // CASEWORK_LIBS_EVENTSTORE_ROCKS_EVENT_STORE_H_
