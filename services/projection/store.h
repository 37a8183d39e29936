// The projection's access to RocksDB, shared by the read models:
//
// - Writes: a Batch collects one Apply's writes. Keys read back within the
//   batch (stream states, counters, cases) are kept in an overlay and written
//   once at the end; the rest are recorded in order. Finish() hands RocksDB
//   all of them sorted by key (the memtable's skip list inserts a sorted run
//   far faster than scattered keys). A Writer reads keys as the batch has
//   them so far (batch, cache of the last written values, RocksDB).
// - Reads: every query reads one RocksDB snapshot (QuerySnapshot), so its
//   figures are of one moment; Scan iterates a key range of it.
//
// Thread safety: a Batch and a Writer belong to the applying thread; queries
// from any thread.
#ifndef CASEWORK_SERVICES_PROJECTION_STORE_H_
#define CASEWORK_SERVICES_PROJECTION_STORE_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/statusor.h"
#include "libs/core/rocks_status.h"
#include "services/projection/day_counts.h"

namespace casework::projection {

inline absl::string_view View(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

inline absl::Status FromRocks(const rocksdb::Status& s,
                              absl::string_view what) {
  return casework::FromRocks(s, what, "projection");
}

class Batch {
 public:
  void Put(std::string key, std::string value);
  // A Put of a key the caller knows was absent before the batch: a Delete of
  // it later in the batch then drops both (a clock opened and closed within
  // a batch writes no worklist key).
  void PutNew(std::string key, std::string value);
  void Delete(std::string key);
  // A key read back within the batch: written once, at the end.
  void Set(const std::string& key, std::string value);
  // A key read back within the batch that may also be deleted (held
  // records): nullopt deletes.
  void SetOrDelete(const std::string& key, std::optional<std::string> value);

  // Changes to the outcome counters (Q keys) and holding histories (H keys),
  // by day, added to the stored counts once per key at the end.
  absl::node_hash_map<std::string, MonthOutcomes>& outcome_deltas() {
    return outcome_deltas_;
  }
  absl::node_hash_map<std::string, MonthHolding>& held_deltas() {
    return held_deltas_;
  }

  // The WriteBatch: every operation and the overlay, in key order; the
  // operations on one key keep their order.
  rocksdb::WriteBatch Finish() const;

 private:
  friend class Writer;
  friend class WriteCache;
  struct Op {
    std::string key;
    std::string value;
    bool is_delete = false;
    bool dropped = false;  // a Put undone in the same batch (PutNew)
  };
  std::vector<Op> ops_;
  // Keys PutNew wrote in this batch (absent before it), by op index.
  absl::flat_hash_map<std::string, size_t> new_keys_;
  absl::flat_hash_map<std::string, std::string> overlay_;
  absl::flat_hash_map<std::string, std::optional<std::string>> volatile_;
  absl::node_hash_map<std::string, MonthOutcomes> outcome_deltas_;
  absl::node_hash_map<std::string, MonthHolding> held_deltas_;
};

// The last written values of the keys Apply reads back, so that most of its
// reads are a hash lookup rather than a RocksDB read. Only Apply writes those
// keys, so it is never stale; it is cleared when it passes kMaxBytes.
class WriteCache {
 public:
  const std::string* Find(const std::string& key) const;
  // After the batch is written: what its overlay held is what RocksDB holds.
  void Absorb(Batch& batch);

 private:
  static constexpr size_t kMaxBytes = 64 << 20;
  static constexpr size_t kEntryOverhead = 64;
  absl::flat_hash_map<std::string, std::string> values_;
  size_t bytes_ = 0;
};

// Reads keys as a batch has them so far.
class Writer {
 public:
  Writer(rocksdb::DB* db, Batch& batch, const WriteCache& cache)
      : db_(db), batch_(batch), cache_(cache) {}
  Batch& batch() { return batch_; }
  // The value of `key` (null when absent), read into *scratch when it comes
  // from RocksDB. Good until the batch next changes.
  absl::StatusOr<const std::string*> Get(const std::string& key,
                                         std::string* scratch);
  // Parses `key`'s value into `out` (left empty when absent); DATA_LOSS
  // naming `what` when it does not parse.
  template <typename Proto>
  absl::Status GetProto(const std::string& key, Proto* out,
                        absl::string_view what) {
    std::string scratch;
    absl::StatusOr<const std::string*> v = Get(key, &scratch);
    if (!v.ok()) return v.status();
    if (*v != nullptr && !out->ParseFromString(**v)) {
      return absl::DataLossError(absl::StrCat("corrupt ", what));
    }
    return absl::OkStatus();
  }
  // Adds the batch's count changes to the stored counts.
  absl::Status FlushCounts();

 private:
  template <size_t N>
  absl::Status AddDays(
      const absl::node_hash_map<std::string, DayCounts<N>>& deltas);
  rocksdb::DB* const db_;
  Batch& batch_;
  const WriteCache& cache_;
};

// Scopes a query: takes a snapshot for this thread (or, nested in a query,
// keeps the one it has; or adopts `shared`, the snapshot of the query a
// helper thread works for).
class QuerySnapshot {
 public:
  explicit QuerySnapshot(rocksdb::DB* db);
  explicit QuerySnapshot(const rocksdb::Snapshot* shared);
  ~QuerySnapshot();
  QuerySnapshot(const QuerySnapshot&) = delete;
  QuerySnapshot& operator=(const QuerySnapshot&) = delete;
  // The snapshot of the query running on this thread (null outside one).
  static const rocksdb::Snapshot* Current();

 private:
  rocksdb::DB* db_ = nullptr;
  const rocksdb::Snapshot* const previous_;
};

// Options reading the current query's snapshot.
rocksdb::ReadOptions QueryReadOptions();

// Iterates the keys below `upper` (exclusive) from where it is Seek()ed, so
// a range scan stops in RocksDB rather than walking on through the deleted
// keys after it (closed clocks leave many).
class Scan {
 public:
  Scan(rocksdb::DB* db, std::string upper);
  Scan(const Scan&) = delete;
  Scan& operator=(const Scan&) = delete;
  rocksdb::Iterator* operator->() { return it_.get(); }

 private:
  std::string upper_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Iterates the keys that start with a prefix.
class PrefixScan : public Scan {
 public:
  PrefixScan(rocksdb::DB* db, std::string prefix);
};

// A fixed number of helper threads that queries share work with (the team
// scorecard's officers). A query never waits for a helper to start: it offers
// the work and does it itself; a helper that takes the offer claims what is
// left. Offers beyond kMaxOffers are dropped (the query does them all), so
// threads and queued work stay bounded under any load.
class HelperPool {
 public:
  explicit HelperPool(int threads);
  ~HelperPool() { Stop(); }
  void Offer(std::function<void()> task);
  void Stop();

 private:
  static constexpr size_t kMaxOffers = 64;
  void Run();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> offers_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace casework::projection

#endif  // CASEWORK_SERVICES_PROJECTION_STORE_H_
