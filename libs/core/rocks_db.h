// RocksDB helpers every store shares: the figures an operator watches, and a
// consistent checkpoint. Header-only, like rocks_status.h: libs/core itself
// does not link RocksDB, its users do.
#ifndef CASEWORK_LIBS_CORE_ROCKS_DB_H_
#define CASEWORK_LIBS_CORE_ROCKS_DB_H_

#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/core/rocks_status.h"

namespace casework {

struct RocksFigures {
  double pending_compaction_bytes = 0;  // estimate
  double memtable_bytes = 0;            // all memtables
  double block_cache_bytes = 0;         // block cache in use
  double live_data_bytes = 0;           // SST files
};

inline RocksFigures ReadRocksFigures(rocksdb::DB& db) {
  auto prop = [&db](const std::string& name) {
    uint64_t v = 0;
    return db.GetIntProperty(name, &v) ? static_cast<double>(v) : 0.0;
  };
  RocksFigures f;
  f.pending_compaction_bytes =
      prop(rocksdb::DB::Properties::kEstimatePendingCompactionBytes);
  f.memtable_bytes = prop(rocksdb::DB::Properties::kSizeAllMemTables);
  f.block_cache_bytes = prop(rocksdb::DB::Properties::kBlockCacheUsage);
  f.live_data_bytes = prop(rocksdb::DB::Properties::kLiveSstFilesSize);
  return f;
}

// A consistent copy of `db` in `dir` (which must not exist), the WAL flushed
// into it (log_size_for_flush 0): every write acknowledged before the call is
// in it. Errors as FromRocks, naming `dir`.
inline absl::Status RocksCheckpoint(rocksdb::DB& db, const std::string& dir,
                                    absl::string_view component) {
  rocksdb::Checkpoint* raw = nullptr;
  absl::Status s = FromRocks(rocksdb::Checkpoint::Create(&db, &raw),
                             "checkpoint", component);
  if (!s.ok()) return s;
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(dir, 0),
                   absl::StrCat("checkpoint ", dir), component);
}

}  // namespace casework

#endif  // CASEWORK_LIBS_CORE_ROCKS_DB_H_
