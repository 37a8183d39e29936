#include "libs/eventstore/rocks_event_store.h"

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/codec.h"
#include "libs/core/log.h"
#include "libs/core/rocks_db.h"
#include "libs/core/rocks_status.h"
#include "libs/core/status.h"
#include "libs/core/thread.h"
#include "libs/metrics/metrics.h"

namespace casework {
namespace {

void PutFixed64BE(std::string* out, uint64_t v) {
  codec::PutBigEndian64(v, out);
}
uint64_t GetFixed64BE(absl::string_view in) {
  return codec::ReadBigEndian64(in);
}
void PutVarint(std::string* out, uint64_t v) { codec::PutVarint(v, out); }
using codec::GetVarint;
void PutString(std::string* out, absl::string_view s) {
  codec::PutLengthPrefixed(s, out);
}
bool GetString(absl::string_view* in, std::string* s) {
  return codec::GetLengthPrefixed(in, s);
}

// Appends, in protobuf wire format, `metadata (field 1) { position (field 4): P
// }` to an envelope. Parsing concatenated messages merges them, so the payload
// then reads back with metadata.position set; every event envelope of the
// contract has EventMetadata as field 1.
void StampPosition(std::string* payload, int64_t position) {
  std::string inner;
  inner.push_back(static_cast<char>((4 << 3) | 0));  // field 4, varint
  PutVarint(&inner, static_cast<uint64_t>(position));
  payload->push_back(
      static_cast<char>((1 << 3) | 2));  // field 1, length-delimited
  PutVarint(payload, inner.size());
  payload->append(inner);
}

std::string LogKey(int64_t position) {
  std::string k = "L";
  PutFixed64BE(&k, static_cast<uint64_t>(position));
  return k;
}

std::string StreamPrefix(absl::string_view stream) {
  std::string k = absl::StrCat("S", stream);
  k.push_back('\0');
  return k;
}

std::string StreamKey(absl::string_view stream, int64_t version) {
  std::string k = StreamPrefix(stream);
  PutFixed64BE(&k, static_cast<uint64_t>(version));
  return k;
}

std::string EncodeRecord(const StoredEvent& e) {
  std::string out;
  PutVarint(&out, static_cast<uint64_t>(e.position));
  PutString(&out, e.stream_id);
  PutVarint(&out, static_cast<uint64_t>(e.version));
  PutString(&out, e.event_id);
  PutString(&out, e.child_id);
  PutString(&out, e.type);
  PutString(&out, e.payload);
  return out;
}

absl::StatusOr<StoredEvent> DecodeRecord(absl::string_view in) {
  StoredEvent e;
  uint64_t position = 0, version = 0;
  if (!GetVarint(&in, &position) || !GetString(&in, &e.stream_id) ||
      !GetVarint(&in, &version) || !GetString(&in, &e.event_id) ||
      !GetString(&in, &e.child_id) || !GetString(&in, &e.type) ||
      !GetString(&in, &e.payload)) {
    return absl::DataLossError("event store: corrupt log record");
  }
  e.position = static_cast<int64_t>(position);
  e.version = static_cast<int64_t>(version);
  return e;
}

std::string EncodeResult(const AppendResult& r) {
  std::string out;
  PutString(&out, r.stream_id);
  PutVarint(&out, static_cast<uint64_t>(r.first_version));
  PutVarint(&out, static_cast<uint64_t>(r.last_version));
  PutVarint(&out, static_cast<uint64_t>(r.first_position));
  PutVarint(&out, static_cast<uint64_t>(r.last_position));
  PutVarint(&out, r.event_ids.size());
  for (const std::string& id : r.event_ids) PutString(&out, id);
  PutString(&out, r.request_digest);
  return out;
}

absl::StatusOr<AppendResult> DecodeResult(absl::string_view in) {
  AppendResult r;
  uint64_t fv = 0, lv = 0, fp = 0, lp = 0, n = 0;
  if (!GetString(&in, &r.stream_id) || !GetVarint(&in, &fv) ||
      !GetVarint(&in, &lv) || !GetVarint(&in, &fp) || !GetVarint(&in, &lp) ||
      !GetVarint(&in, &n)) {
    return absl::DataLossError("event store: corrupt request record");
  }
  for (uint64_t i = 0; i < n; ++i) {
    std::string id;
    if (!GetString(&in, &id))
      return absl::DataLossError("event store: corrupt request record");
    r.event_ids.push_back(std::move(id));
  }
  // Records written before digests were kept end here.
  if (!in.empty() && !GetString(&in, &r.request_digest)) {
    return absl::DataLossError("event store: corrupt request record");
  }
  r.first_version = static_cast<int64_t>(fv);
  r.last_version = static_cast<int64_t>(lv);
  r.first_position = static_cast<int64_t>(fp);
  r.last_position = static_cast<int64_t>(lp);
  r.repeated = true;
  return r;
}

absl::string_view View(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

absl::Status StoreError(const rocksdb::Status& s, absl::string_view what) {
  return casework::FromRocks(s, what, "event store");
}

// Makes the files of a store fail while a StorageFaults says so.
class FaultyFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyFile(std::unique_ptr<rocksdb::FSWritableFile> file,
             StorageFaults& faults)
      : FSWritableFileOwnerWrapper(std::move(file)), faults_(faults) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data,
                           const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Check(false); !s.ok()) return s;
    return target()->Append(data, options, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data,
                           const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Check(false); !s.ok()) return s;
    return target()->Append(data, options, info, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data,
                                     uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Check(false); !s.ok()) return s;
    return target()->PositionedAppend(data, offset, options, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data,
                                     uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Check(false); !s.ok()) return s;
    return target()->PositionedAppend(data, offset, options, info, dbg);
  }
  rocksdb::IOStatus Flush(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Check(false); !s.ok()) return s;
    return target()->Flush(options, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                         rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Check(true); !s.ok()) return s;
    return target()->Sync(options, dbg);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Check(true); !s.ok()) return s;
    return target()->Fsync(options, dbg);
  }
  rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t nbytes,
                              const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Check(true); !s.ok()) return s;
    return target()->RangeSync(offset, nbytes, options, dbg);
  }

 private:
  rocksdb::IOStatus Check(bool sync) {
    switch (faults_.Before(sync)) {
      case StorageFaults::Outcome::kOk:
        return rocksdb::IOStatus::OK();
      case StorageFaults::Outcome::kIoError:
        return rocksdb::IOStatus::IOError("injected fault: fsync failed");
      case StorageFaults::Outcome::kNoSpace:
        return rocksdb::IOStatus::NoSpace(
            "injected fault: no space left on device");
    }
    return rocksdb::IOStatus::OK();
  }

  StorageFaults& faults_;
};

class FaultyFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultyFileSystem(std::shared_ptr<StorageFaults> faults)
      : FileSystemWrapper(rocksdb::FileSystem::Default()),
        faults_(std::move(faults)) {}
  const char* Name() const override { return "CaseworkFaultyFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name,
                                    const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(name, options, r, dbg);
    if (s.ok()) *r = std::make_unique<FaultyFile>(std::move(*r), *faults_);
    return s;
  }
  rocksdb::IOStatus ReopenWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* r,
      rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->ReopenWritableFile(name, options, r, dbg);
    if (s.ok()) *r = std::make_unique<FaultyFile>(std::move(*r), *faults_);
    return s;
  }
  rocksdb::IOStatus ReuseWritableFile(
      const std::string& name, const std::string& old_name,
      const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* r,
      rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s =
        target()->ReuseWritableFile(name, old_name, options, r, dbg);
    if (s.ok()) *r = std::make_unique<FaultyFile>(std::move(*r), *faults_);
    return s;
  }

 private:
  const std::shared_ptr<StorageFaults> faults_;
};

struct OpenedDb {
  std::unique_ptr<rocksdb::DB> db;
  int64_t last_position = 0;
};

// Opens the database at `dir` and finds its last log position.
absl::StatusOr<OpenedDb> OpenDb(const std::string& dir,
                                const rocksdb::Options& options) {
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot open event store at ", dir, ": ", s.ToString()));
  }
  OpenedDb opened;
  opened.db.reset(raw);
  std::unique_ptr<rocksdb::Iterator> it(
      opened.db->NewIterator(rocksdb::ReadOptions()));
  it->SeekForPrev(LogKey(INT64_MAX));
  if (it->Valid() && it->key().starts_with("L")) {
    opened.last_position =
        static_cast<int64_t>(GetFixed64BE(View(it->key()).substr(1)));
  }
  RETURN_IF_ERROR(StoreError(it->status(), "scan log"));
  return opened;
}

class RocksEventStoreImpl final : public RocksEventStore {
 public:
  RocksEventStoreImpl(std::string dir, rocksdb::Options db_options,
                      std::unique_ptr<rocksdb::Env> env, OpenedDb opened,
                      Options options)
      : dir_(std::move(dir)),
        db_options_(std::move(db_options)),
        env_(std::move(env)),
        options_(std::move(options)),
        db_(std::move(opened.db)),
        last_position_(opened.last_position) {
    writer_ = std::thread([this] {
      SetCurrentThreadName("store-writer");
      WriterLoop();
    });
  }

  ~RocksEventStoreImpl() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    queue_cv_.notify_all();
    writer_.join();
    std::unique_lock<std::shared_mutex> db_lock(db_mu_);
    if (db_ != nullptr) {
      // A failed log file must not be written again (RocksDB refuses it);
      // what it holds is replayed at the next open.
      bool failed;
      {
        std::lock_guard<std::mutex> lock(write_mu_);
        failed = !write_failure_.ok();
      }
      if (!failed) db_->FlushWAL(true).PermitUncheckedError();
      db_->Close().PermitUncheckedError();
      db_.reset();
    }
  }

  RocksEventStoreImpl(const RocksEventStoreImpl&) = delete;
  RocksEventStoreImpl& operator=(const RocksEventStoreImpl&) = delete;

  absl::StatusOr<AppendResult> Append(AppendRequest request) override {
    if (request.stream_id.empty())
      return FieldError("stream_id", "must not be empty");
    if (request.stream_id.find('\0') != std::string::npos) {
      return FieldError("stream_id", "must not contain NUL");
    }
    if (request.events.empty())
      return FieldError("events", "at least one event is required");
    Pending pending{std::move(request), {}};
    std::future<absl::StatusOr<AppendResult>> done = pending.done.get_future();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return absl::UnavailableError("event store is closing");
      if (queue_.size() >= options_.max_queued) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "event store: ", queue_.size(),
            " appends already waiting to be written; retry shortly"));
      }
      queue_.push_back(std::move(pending));
    }
    queue_cv_.notify_one();
    return done.get();
  }

  absl::StatusOr<std::optional<AppendResult>> FindRequest(
      absl::string_view request_id) override {
    std::shared_lock<std::shared_mutex> lock(db_mu_);
    RETURN_IF_ERROR(Readable());
    return FindRequestLocked(request_id);
  }

  absl::StatusOr<std::vector<StoredEvent>> ReadStream(
      absl::string_view stream_id) override {
    std::shared_lock<std::shared_mutex> lock(db_mu_);
    RETURN_IF_ERROR(Readable());
    std::vector<StoredEvent> events;
    const std::string prefix = StreamPrefix(stream_id);
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions()));
    std::vector<std::string> log_keys;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      log_keys.push_back(
          LogKey(static_cast<int64_t>(GetFixed64BE(View(it->value())))));
    }
    RETURN_IF_ERROR(StoreError(it->status(), "read stream"));
    if (log_keys.empty()) return events;
    std::vector<rocksdb::Slice> keys(log_keys.begin(), log_keys.end());
    std::vector<std::string> values;
    std::vector<rocksdb::Status> statuses =
        db_->MultiGet(rocksdb::ReadOptions(), keys, &values);
    for (size_t i = 0; i < statuses.size(); ++i) {
      RETURN_IF_ERROR(StoreError(statuses[i], "read stream record"));
      ASSIGN_OR_RETURN(StoredEvent e, DecodeRecord(values[i]));
      events.push_back(std::move(e));
    }
    return events;
  }

  absl::StatusOr<std::vector<StoredEvent>> ReadAfter(int64_t after,
                                                     size_t max) override {
    std::shared_lock<std::shared_mutex> lock(db_mu_);
    RETURN_IF_ERROR(Readable());
    std::vector<StoredEvent> events;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions()));
    const int64_t last = LastPosition();
    for (it->Seek(LogKey(after + 1));
         it->Valid() && it->key().starts_with("L") && events.size() < max;
         it->Next()) {
      ASSIGN_OR_RETURN(StoredEvent e, DecodeRecord(View(it->value())));
      // Only committed-and-acknowledged positions are visible to readers in
      // order.
      if (e.position > last) break;
      events.push_back(std::move(e));
    }
    RETURN_IF_ERROR(StoreError(it->status(), "read log"));
    return events;
  }

  absl::Status WriteHealth() const override {
    std::lock_guard<std::mutex> lock(health_mu_);
    return health_;
  }

  int64_t LastPosition() const override {
    std::lock_guard<std::mutex> lock(position_mu_);
    return last_position_;
  }

  bool WaitForAppend(int64_t after, absl::Duration timeout) override {
    std::unique_lock<std::mutex> lock(position_mu_);
    return position_cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                                 [&] { return last_position_ > after; });
  }

  absl::StatusOr<int64_t> GetCursor(absl::string_view name) override {
    std::shared_lock<std::shared_mutex> lock(db_mu_);
    RETURN_IF_ERROR(Readable());
    std::string value;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), absl::StrCat("C", name), &value);
    if (s.IsNotFound()) return 0;
    RETURN_IF_ERROR(StoreError(s, "read cursor"));
    if (value.size() != 8)
      return absl::DataLossError("event store: corrupt cursor");
    return static_cast<int64_t>(GetFixed64BE(value));
  }

  absl::Status SetCursor(absl::string_view name, int64_t value) override {
    std::shared_lock<std::shared_mutex> lock(db_mu_);
    RETURN_IF_ERROR(Readable());
    std::string v;
    PutFixed64BE(&v, static_cast<uint64_t>(value));
    // Not synced on its own: a cursor lost to a machine crash only rewinds to
    // the last synced write, and what it re-delivers, consumers dedupe
    // (at-least-once). Syncing here would add an fsync per relay batch.
    rocksdb::WriteBatch batch;
    batch.Put(absl::StrCat("C", name), v).PermitUncheckedError();
    absl::Status health;
    absl::Status written = Write(rocksdb::WriteOptions(), batch, &health);
    lock.unlock();
    if (!health.ok()) SetHealth(health);
    return written;
  }

  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ScanIndex(
      absl::string_view prefix, absl::string_view start_after,
      size_t limit) override {
    std::shared_lock<std::shared_mutex> lock(db_mu_);
    RETURN_IF_ERROR(Readable());
    std::vector<std::pair<std::string, std::string>> out;
    const std::string full_prefix = absl::StrCat("I", prefix);
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions()));
    if (start_after.empty()) {
      it->Seek(full_prefix);
    } else {
      const std::string from = absl::StrCat("I", start_after);
      it->Seek(from);
      if (it->Valid() && it->key() == from) it->Next();
    }
    for (; it->Valid() && it->key().starts_with(full_prefix) &&
           out.size() < limit;
         it->Next()) {
      out.emplace_back(it->key().ToString().substr(1), it->value().ToString());
    }
    RETURN_IF_ERROR(StoreError(it->status(), "scan index"));
    return out;
  }

  DbFigures Figures() const override {
    std::shared_lock<std::shared_mutex> lock(db_mu_);
    return db_ ? ReadRocksFigures(*db_) : DbFigures{};
  }

  absl::Status Checkpoint(const std::string& dir) override {
    std::shared_lock<std::shared_mutex> lock(db_mu_);
    RETURN_IF_ERROR(Readable());
    return RocksCheckpoint(*db_, dir, "event store");
  }

  size_t QueuedAppends() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return queue_.size();
  }

  absl::Status TryRecover() override {
    std::lock_guard<std::mutex> lock(recover_mu_);
    return RecoverLocked();
  }

  void SetHealthListener(
      std::function<void(const absl::Status&)> listener) override {
    std::lock_guard<std::mutex> lock(health_mu_);
    listener_ = std::move(listener);
  }

 private:
  struct Pending {
    AppendRequest request;
    std::promise<absl::StatusOr<AppendResult>> done;
  };

  // Every write to the database: refused once a write has failed (RocksDB
  // must not write to a failed log again) until RecoverLocked reopens it.
  // `health` is set to the failure when this write failed.
  // REQUIRES: db_mu_ held (shared) and db_ open.
  absl::Status Write(const rocksdb::WriteOptions& options,
                     rocksdb::WriteBatch& batch, absl::Status* health) {
    std::lock_guard<std::mutex> lock(write_mu_);
    if (!write_failure_.ok()) {
      return absl::UnavailableError(absl::StrCat(
          write_failure_.message(), "; waiting for the storage to recover"));
    }
    absl::Status s = StoreError(db_->Write(options, &batch), "cannot write");
    if (!s.ok()) {
      write_failure_ = s;
      *health = s;
    }
    return s;
  }

  // REQUIRES: db_mu_ held (shared or exclusive).
  absl::Status Readable() const {
    if (db_ == nullptr) {
      return absl::UnavailableError(
          "event store: storage is being recovered after a failed write; "
          "retry shortly");
    }
    return absl::OkStatus();
  }

  // REQUIRES: db_mu_ held and db_ open.
  absl::StatusOr<std::optional<AppendResult>> FindRequestLocked(
      absl::string_view request_id) {
    if (request_id.empty()) return std::optional<AppendResult>();
    std::string value;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), absl::StrCat("R", request_id), &value);
    if (s.IsNotFound()) return std::optional<AppendResult>();
    RETURN_IF_ERROR(StoreError(s, "read request record"));
    ASSIGN_OR_RETURN(AppendResult r, DecodeResult(value));
    return std::optional<AppendResult>(std::move(r));
  }

  // REQUIRES: db_mu_ held and db_ open.
  absl::StatusOr<int64_t> StoredVersion(const std::string& stream) {
    const std::string prefix = StreamPrefix(stream);
    std::string upper = prefix;
    upper.append(8, '\xff');
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions()));
    it->SeekForPrev(upper);
    if (it->Valid() && it->key().starts_with(prefix)) {
      return static_cast<int64_t>(
          GetFixed64BE(View(it->key()).substr(prefix.size())));
    }
    RETURN_IF_ERROR(StoreError(it->status(), "read stream version"));
    return kNoStream;
  }

  void SetHealth(absl::Status status) {
    std::function<void(const absl::Status&)> listener;
    {
      std::lock_guard<std::mutex> lock(health_mu_);
      if (health_ == status) return;
      health_ = status;
      listener = listener_;
    }
    if (status.ok()) {
      LogInfo("event store: writing again", {});
    } else {
      LogError("event store: cannot write", {{"reason", status.ToString()}});
    }
    if (listener) listener(status);
  }

  // Closes and reopens the database: after a failed write RocksDB holds the
  // error (a write-ahead-log error is fatal to the open instance, and
  // Resume() cannot clear it), while a reopen replays the log, so what reached
  // the disk is kept and positions continue after the last event in it.
  // REQUIRES: recover_mu_ held.
  absl::Status RecoverLocked() {
    if (WriteHealth().ok()) return absl::OkStatus();
    std::unique_lock<std::shared_mutex> db_lock(db_mu_);
    if (db_ != nullptr) {
      db_->Close().PermitUncheckedError();
      db_.reset();
    }
    absl::StatusOr<OpenedDb> opened = OpenDb(dir_, db_options_);
    if (!opened.ok()) {
      LogWarn("event store: recovery failed; will retry",
              {{"reason", opened.status().ToString()}});
      return absl::UnavailableError(absl::StrCat(
          "event store: cannot write yet (", WriteHealth().message(), ")"));
    }
    db_ = std::move(opened->db);
    {
      std::lock_guard<std::mutex> lock(write_mu_);
      write_failure_ = absl::OkStatus();
    }
    {
      std::lock_guard<std::mutex> lock(position_mu_);
      last_position_ = opened->last_position;
    }
    position_cv_.notify_all();
    db_lock.unlock();
    SetHealth(absl::OkStatus());
    return absl::OkStatus();
  }

  void WriterLoop() {
    for (;;) {
      std::vector<Pending> group;
      {
        std::unique_lock<std::mutex> lock(mu_);
        if (WriteHealth().ok()) {
          queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        } else {
          // Failed: try again every recovery_interval even without appends,
          // so health comes back once the disk does.
          queue_cv_.wait_for(
              lock, absl::ToChronoNanoseconds(options_.recovery_interval),
              [&] { return stopping_ || !queue_.empty(); });
        }
        if (queue_.empty() && stopping_) return;
        while (!queue_.empty() && group.size() < options_.max_group) {
          group.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      absl::Status recovered = TryRecover();
      if (!recovered.ok()) {
        for (Pending& p : group) p.done.set_value(recovered);
        continue;
      }
      if (!group.empty()) CommitGroup(group);
    }
  }

  // Decides each append of the group against the stored state plus the earlier
  // appends of the same group, writes every accepted one in one synced batch,
  // then completes them all.
  void CommitGroup(std::vector<Pending>& group) {
    std::shared_lock<std::shared_mutex> db_lock(db_mu_);
    rocksdb::WriteBatch batch;
    std::vector<std::optional<absl::StatusOr<AppendResult>>> results(
        group.size());
    std::map<std::string, int64_t>
        versions;  // stream -> version after this group
    std::map<std::string, size_t>
        request_in_group;  // request id -> index in group
    std::vector<std::pair<size_t, size_t>> repeats;  // (index, index of first)
    int64_t next_position = LastPosition() + 1;

    for (size_t i = 0; i < group.size(); ++i) {
      AppendRequest& req = group[i].request;
      if (!req.request_id.empty()) {
        auto seen = request_in_group.find(req.request_id);
        if (seen != request_in_group.end()) {
          // The same id twice in one group: a repeat shares the first's fate
          // (after the write); a different command under it is refused.
          const AppendRequest& first = group[seen->second].request;
          if (first.request_digest == req.request_digest) {
            repeats.emplace_back(i, seen->second);
          } else {
            AppendResult pending;
            pending.request_digest = first.request_digest;
            results[i] =
                CheckRepeat(pending, req.request_id, req.request_digest);
          }
          continue;
        }
        absl::StatusOr<std::optional<AppendResult>> earlier =
            FindRequestLocked(req.request_id);
        if (!earlier.ok()) {
          results[i] = earlier.status();
          continue;
        }
        if (earlier->has_value()) {
          absl::Status same =
              CheckRepeat(**earlier, req.request_id, req.request_digest);
          if (same.ok()) {
            results[i] = std::move(**earlier);
          } else {
            results[i] = same;
          }
          continue;
        }
      }
      int64_t current;
      auto v = versions.find(req.stream_id);
      if (v != versions.end()) {
        current = v->second;
      } else {
        absl::StatusOr<int64_t> stored = StoredVersion(req.stream_id);
        if (!stored.ok()) {
          results[i] = stored.status();
          continue;
        }
        current = *stored;
      }
      if (req.expected_version != kAnyVersion &&
          req.expected_version != current) {
        results[i] = absl::AbortedError(
            absl::StrCat("stream ", req.stream_id, " is at version ", current,
                         ", expected ", req.expected_version, "; retry"));
        continue;
      }
      AppendResult r;
      r.stream_id = req.stream_id;
      r.first_version = current + 1;
      r.first_position = next_position;
      r.request_digest = req.request_digest;
      for (NewEvent& ev : req.events) {
        if (options_.stamp_position) StampPosition(&ev.payload, next_position);
        StoredEvent stored{
            next_position,          req.stream_id, ++current,
            std::move(ev.event_id), req.child_id,  std::move(ev.type),
            std::move(ev.payload)};
        batch.Put(LogKey(stored.position), EncodeRecord(stored))
            .PermitUncheckedError();
        std::string pos;
        PutFixed64BE(&pos, static_cast<uint64_t>(stored.position));
        batch.Put(StreamKey(req.stream_id, stored.version), pos)
            .PermitUncheckedError();
        r.event_ids.push_back(std::move(stored.event_id));
        ++next_position;
      }
      r.last_version = current;
      r.last_position = next_position - 1;
      versions[req.stream_id] = current;
      for (const std::string& key : req.index_deletes) {
        batch.Delete(absl::StrCat("I", key)).PermitUncheckedError();
      }
      for (const auto& [key, value] : req.index_puts) {
        batch.Put(absl::StrCat("I", key), value).PermitUncheckedError();
      }
      if (!req.request_id.empty()) {
        batch.Put(absl::StrCat("R", req.request_id), EncodeResult(r))
            .PermitUncheckedError();
        request_in_group[req.request_id] = i;
      }
      results[i] = std::move(r);
    }

    absl::Status written = absl::OkStatus();
    absl::Status health = absl::OkStatus();
    if (batch.Count() > 0) {
      rocksdb::WriteOptions wo;
      wo.sync = options_.sync;
      const absl::Time write_start = absl::Now();
      const absl::Status result = Write(wo, batch, &health);
      metrics::Registry& m = metrics::Global();
      m.Observe("casework_eventstore_commit_seconds", {},
                absl::ToDoubleSeconds(absl::Now() - write_start));
      m.Observe("casework_eventstore_group_size", {},
                static_cast<double>(group.size()));
      if (result.ok()) {
        std::lock_guard<std::mutex> lock(position_mu_);
        last_position_ = next_position - 1;
      } else {
        written = absl::UnavailableError(absl::StrCat(
            result.message(),
            "; the command may not have been recorded: retry it with the "
            "same request_id"));
      }
      position_cv_.notify_all();
    }
    // A failed write fails every append that was in it (and every repeat of
    // one); its positions were never committed, so the log stays gap-free.
    for (size_t i = 0; i < group.size(); ++i) {
      if (!written.ok() && results[i].has_value() && results[i]->ok() &&
          !(*results[i])->repeated) {
        results[i] = written;
      }
    }
    for (auto [i, first] : repeats) {
      if (results[first]->ok()) {
        AppendResult r = **results[first];
        r.repeated = true;
        results[i] = std::move(r);
      } else {
        results[i] = results[first]->status();
      }
    }
    db_lock.unlock();
    if (!health.ok()) SetHealth(health);
    for (size_t i = 0; i < group.size(); ++i) {
      metrics::Global().Add(
          "casework_eventstore_appends_total",
          {{"result", !results[i]->ok() ? absl::StatusCodeToString(
                                              results[i]->status().code())
                      : (*results[i])->repeated ? "repeated"
                                                : "appended"}});
      group[i].done.set_value(std::move(*results[i]));
    }
  }

  const std::string dir_;
  const rocksdb::Options db_options_;
  // The fault-injecting environment of a test (outlives the database).
  const std::unique_ptr<rocksdb::Env> env_;
  const Options options_;

  // Held shared by every use of db_, exclusively to close and reopen it.
  mutable std::shared_mutex db_mu_;
  std::unique_ptr<rocksdb::DB> db_;  // null while a reopen fails

  std::mutex recover_mu_;  // one recovery at a time

  // Serializes writes with the failure they may leave (see Write).
  std::mutex write_mu_;
  absl::Status write_failure_;

  mutable std::mutex health_mu_;
  absl::Status health_;
  std::function<void(const absl::Status&)> listener_;

  mutable std::mutex mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;

  mutable std::mutex position_mu_;
  std::condition_variable position_cv_;
  int64_t last_position_;

  std::thread writer_;
};

}  // namespace

absl::Status CheckRepeat(const AppendResult& earlier,
                         absl::string_view request_id,
                         absl::string_view request_digest) {
  if (earlier.request_digest.empty() ||
      earlier.request_digest == request_digest) {
    return absl::OkStatus();
  }
  return absl::AlreadyExistsError(absl::StrCat(
      "request_id: '", request_id,
      "' was already used for a different command; nothing was written (use "
      "a new request id for a new command, the same one only to retry the "
      "same command)"));
}

absl::StatusOr<std::unique_ptr<RocksEventStore>> RocksEventStore::Open(
    const std::string& dir, Options options) {
  static std::once_flag described;
  std::call_once(described, [] {
    metrics::Registry& m = metrics::Global();
    m.Describe("casework_eventstore_appends_total", metrics::Type::kCounter,
               "Appends to the event log, by result (appended, repeated, or "
               "the refusal's status code)");
    m.Describe("casework_eventstore_group_size", metrics::Type::kHistogram,
               "Appends committed together in one synced write (group commit)",
               {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024});
    m.Describe("casework_eventstore_commit_seconds", metrics::Type::kHistogram,
               "Time to write and fsync one group commit");
  });
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.IncreaseParallelism(2);
  db_options.OptimizeLevelStyleCompaction();
  db_options.max_open_files = 512;
  db_options.info_log = ProcessLogForRocks("event store");
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  db_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  std::unique_ptr<rocksdb::Env> env;
  if (options.faults != nullptr) {
    env = rocksdb::NewCompositeEnv(
        std::make_shared<FaultyFileSystem>(options.faults));
    db_options.env = env.get();
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);  // RocksDB logs a miss
  ASSIGN_OR_RETURN(OpenedDb opened, OpenDb(dir, db_options));
  return std::unique_ptr<RocksEventStore>(
      new RocksEventStoreImpl(dir, std::move(db_options), std::move(env),
                              std::move(opened), std::move(options)));
}

}  // namespace casework
