#include "services/projection/store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/core/thread.h"
#include "services/projection/keys.h"

namespace casework::projection {

void Batch::Put(std::string key, std::string value) {
  if (auto fresh = new_keys_.find(key); fresh != new_keys_.end()) {
    // Written again (e.g. an exception's flag): still absent before the
    // batch, so this Put replaces the first.
    ops_[fresh->second].dropped = true;
    fresh->second = ops_.size();
  }
  ops_.push_back({std::move(key), std::move(value), false});
}

void Batch::PutNew(std::string key, std::string value) {
  new_keys_[key] = ops_.size();
  ops_.push_back({std::move(key), std::move(value), false});
}

void Batch::Delete(std::string key) {
  if (auto fresh = new_keys_.find(key); fresh != new_keys_.end()) {
    ops_[fresh->second].dropped = true;
    new_keys_.erase(fresh);
    return;
  }
  ops_.push_back({std::move(key), std::string(), true});
}

void Batch::Set(const std::string& key, std::string value) {
  overlay_[key] = std::move(value);
}

void Batch::SetOrDelete(const std::string& key,
                        std::optional<std::string> value) {
  volatile_[key] = std::move(value);
}

rocksdb::WriteBatch Batch::Finish() const {
  struct Ref {
    absl::string_view key, value;
    bool is_delete;
    size_t seq;
  };
  std::vector<Ref> refs;
  refs.reserve(ops_.size() + overlay_.size() + volatile_.size());
  for (const Op& op : ops_) {
    if (op.dropped) continue;
    refs.push_back({op.key, op.value, op.is_delete, refs.size()});
  }
  for (const auto& [key, value] : overlay_) {
    refs.push_back({key, value, false, refs.size()});
  }
  for (const auto& [key, value] : volatile_) {
    refs.push_back({key, value.has_value() ? absl::string_view(*value) : "",
                    !value.has_value(), refs.size()});
  }
  std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) {
    const int c = a.key.compare(b.key);
    return c != 0 ? c < 0 : a.seq < b.seq;
  });
  size_t bytes = 64;
  for (const Ref& r : refs) bytes += r.key.size() + r.value.size() + 16;
  rocksdb::WriteBatch writes(bytes);
  for (const Ref& r : refs) {
    const rocksdb::Slice key(r.key.data(), r.key.size());
    if (r.is_delete) {
      writes.Delete(key).PermitUncheckedError();
    } else {
      writes.Put(key, rocksdb::Slice(r.value.data(), r.value.size()))
          .PermitUncheckedError();
    }
  }
  return writes;
}

const std::string* WriteCache::Find(const std::string& key) const {
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

void WriteCache::Absorb(Batch& batch) {
  for (auto& [key, value] : batch.overlay_) {
    auto [it, inserted] = values_.try_emplace(key);
    if (inserted) {
      bytes_ += key.size() + kEntryOverhead;
    } else {
      bytes_ -= it->second.size();
    }
    bytes_ += value.size();
    it->second = std::move(value);
  }
  if (bytes_ > kMaxBytes) {
    values_.clear();
    bytes_ = 0;
  }
}

absl::StatusOr<const std::string*> Writer::Get(const std::string& key,
                                               std::string* scratch) {
  auto pending = batch_.overlay_.find(key);
  if (pending != batch_.overlay_.end()) return &pending->second;
  auto changing = batch_.volatile_.find(key);
  if (changing != batch_.volatile_.end()) {
    return changing->second.has_value() ? &*changing->second : nullptr;
  }
  if (const std::string* cached = cache_.Find(key)) return cached;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), key, scratch);
  if (s.IsNotFound()) return nullptr;
  RETURN_IF_ERROR(FromRocks(s, "read"));
  return scratch;
}

template <size_t N>
absl::Status Writer::AddDays(
    const absl::node_hash_map<std::string, DayCounts<N>>& deltas) {
  std::string scratch;
  for (const auto& [key, delta] : deltas) {
    ASSIGN_OR_RETURN(const std::string* stored, Get(key, &scratch));
    DayCounts<N> days{};
    if (stored != nullptr && !DecodeDays(*stored, &days)) {
      return absl::DataLossError(
          absl::StrCat("corrupt counters under key ", key.substr(0, 1)));
    }
    for (size_t day = 1; day < days.size(); ++day) {
      for (size_t i = 0; i < N; ++i) days[day][i] += delta[day][i];
    }
    batch_.Set(key, EncodeDays(days));
  }
  return absl::OkStatus();
}

absl::Status Writer::FlushCounts() {
  RETURN_IF_ERROR(AddDays(batch_.outcome_deltas_));
  return AddDays(batch_.held_deltas_);
}

namespace {
// The snapshot of the query running on this thread (null outside a query).
thread_local const rocksdb::Snapshot* query_snapshot = nullptr;
}  // namespace

QuerySnapshot::QuerySnapshot(rocksdb::DB* db) : previous_(query_snapshot) {
  if (previous_ == nullptr) {
    db_ = db;
    query_snapshot = db->GetSnapshot();
  }
}

QuerySnapshot::QuerySnapshot(const rocksdb::Snapshot* shared)
    : previous_(query_snapshot) {
  query_snapshot = shared;
}

QuerySnapshot::~QuerySnapshot() {
  if (db_ != nullptr) db_->ReleaseSnapshot(query_snapshot);
  query_snapshot = previous_;
}

const rocksdb::Snapshot* QuerySnapshot::Current() { return query_snapshot; }

rocksdb::ReadOptions QueryReadOptions() {
  rocksdb::ReadOptions options;
  options.snapshot = query_snapshot;
  return options;
}

Scan::Scan(rocksdb::DB* db, std::string upper) : upper_(std::move(upper)) {
  upper_slice_ = rocksdb::Slice(upper_);
  rocksdb::ReadOptions options = QueryReadOptions();
  options.iterate_upper_bound = &upper_slice_;
  it_.reset(db->NewIterator(options));
}

PrefixScan::PrefixScan(rocksdb::DB* db, std::string prefix)
    : Scan(db, keys::PrefixEnd(std::move(prefix))) {}

HelperPool::HelperPool(int threads) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      SetCurrentThreadName("query-helper");
      Run();
    });
  }
}

void HelperPool::Offer(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || offers_.size() >= kMaxOffers) return;
    offers_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void HelperPool::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    offers_.clear();
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void HelperPool::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !offers_.empty(); });
      if (stopping_) return;
      task = std::move(offers_.front());
      offers_.pop_front();
    }
    task();
  }
}

}  // namespace casework::projection
