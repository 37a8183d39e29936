// StorageFaults: a switch that makes the event store's files fail or stall,
// for tests of what the store does when the disk does (leveldb's and
// RocksDB's own fault-injection tests wrap their Env the same way).
//
// Give one to RocksEventStore::Options::faults. While a fault is set, the
// store's files (write-ahead log, tables, manifest) fail as it says:
// kSyncFails as an I/O error of every fsync (after the number of good syncs
// FailSyncsAfter allows), kNoSpace as ENOSPC of every write and sync. Set
// kNone to give the disk back. HoldSyncs() makes every sync wait until
// ReleaseSyncs(), so a test can line appends up behind a write in progress.
// Production never sets one.
//
// Thread safety: thread-safe.
#ifndef CASEWORK_LIBS_EVENTSTORE_STORAGE_FAULTS_H_
#define CASEWORK_LIBS_EVENTSTORE_STORAGE_FAULTS_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace casework {

class StorageFaults final {
 public:
  enum class Fault { kNone, kSyncFails, kNoSpace };

  void Set(Fault fault) {
    good_syncs_left_.store(0);
    fault_.store(fault);
  }
  // kSyncFails, but only after `good_syncs` more syncs have succeeded.
  void FailSyncsAfter(int64_t good_syncs) {
    good_syncs_left_.store(good_syncs);
    fault_.store(Fault::kSyncFails);
  }
  Fault current() const { return fault_.load(); }

  // How many file operations failed because of a fault, so a test can check
  // its fault was met.
  int64_t injected() const { return injected_.load(); }

  void HoldSyncs() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = true;
  }
  void ReleaseSyncs() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      held_ = false;
    }
    cv_.notify_all();
  }
  // Blocks until a sync is waiting at the hold.
  void WaitUntilASyncIsHeld() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return waiting_ > 0; });
  }

  // Called by the file wrapper: waits while held (for syncs), then says
  // whether this operation fails. `sync`: a sync rather than a write.
  enum class Outcome { kOk, kIoError, kNoSpace };
  Outcome Before(bool sync) {
    if (sync) {
      std::unique_lock<std::mutex> lock(mu_);
      if (held_) {
        ++waiting_;
        cv_.notify_all();
        cv_.wait(lock, [&] { return !held_; });
        --waiting_;
      }
    }
    switch (fault_.load()) {
      case Fault::kNone:
        return Outcome::kOk;
      case Fault::kSyncFails:
        if (!sync) return Outcome::kOk;
        if (good_syncs_left_.load() > 0 && good_syncs_left_.fetch_sub(1) > 0) {
          return Outcome::kOk;
        }
        injected_.fetch_add(1);
        return Outcome::kIoError;
      case Fault::kNoSpace:
        injected_.fetch_add(1);
        return Outcome::kNoSpace;
    }
    return Outcome::kOk;
  }

 private:
  std::atomic<Fault> fault_{Fault::kNone};
  std::atomic<int64_t> good_syncs_left_{0};
  std::atomic<int64_t> injected_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  int waiting_ = 0;
};

}  // namespace casework

#endif  // CASEWORK_LIBS_EVENTSTORE_STORAGE_FAULTS_H_
