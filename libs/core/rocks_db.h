// RocksDB helpers every store shares: the figures an operator watches, and a
// consistent checkpoint. Header-only, like rocks_status.h: libs/core itself
// does not link RocksDB, its users do.
#ifndef CASEWORK_LIBS_CORE_ROCKS_DB_H_
#define CASEWORK_LIBS_CORE_ROCKS_DB_H_

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/utilities/checkpoint.h>

#include <cstdarg>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/log.h"
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

// RocksDB's own messages (warnings and worse) in the process's log, never in
// a LOG file beside the data: a file on the data's disk fails with it, and
// RocksDB aborts when it writes again to a log file that failed (its
// assertions are on in Debian's build). Give every store's options one:
//   options.info_log = ProcessLogForRocks("event store");
class RocksProcessLogger final : public rocksdb::Logger {
 public:
  explicit RocksProcessLogger(std::string component)
      : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL),
        component_(std::move(component)) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format,
            va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    char text[1024];
    std::vsnprintf(text, sizeof(text), format, ap);
    // Said at WARN or ERROR, but routine: a new database's directory not
    // there yet, a checkpoint holding file deletions.
    const absl::string_view said(text);
    if ((absl::StartsWith(said, "Error when reading ") &&
         absl::StrContains(said, " dir NotFound")) ||
        absl::StrContains(said, "File Deletions")) {
      return;
    }
    const LogLevel ours = level >= rocksdb::InfoLogLevel::ERROR_LEVEL
                              ? LogLevel::kError
                              : LogLevel::kWarn;
    Log(ours, "rocksdb", {{"component", component_}, {"message", text}});
  }

 private:
  const std::string component_;
};

inline std::shared_ptr<rocksdb::Logger> ProcessLogForRocks(
    std::string component) {
  return std::make_shared<RocksProcessLogger>(std::move(component));
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
