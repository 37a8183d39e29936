// Metrics in the Prometheus text exposition format (version 0.0.4), written
// by hand: Debian 12 packages no Prometheus C++ client.
//
// Counters and histograms are kept in a Registry as the code runs (RPCs,
// event store appends); gauges that are read off a component when scraped
// (consumer lag, RocksDB figures, process memory) come from collectors the
// component's owner adds and removes. Render() writes every family once, with
// its HELP and TYPE, series sorted by labels, label values escaped.
//
//   metrics::Global().Describe("casework_rpc_requests_total",
//       metrics::Type::kCounter, "RPCs served, by method and status code");
//   metrics::Global().Add("casework_rpc_requests_total",
//       {{"method", m}, {"code", "OK"}});
//
// Thread safety: thread-safe.
#ifndef CASEWORK_LIBS_METRICS_METRICS_H_
#define CASEWORK_LIBS_METRICS_METRICS_H_

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace casework::metrics {

enum class Type { kCounter, kGauge, kHistogram };

using Labels = std::vector<std::pair<std::string, std::string>>;

// Seconds: 0.5 ms to 10 s.
const std::vector<double>& LatencyBuckets();

// What a collector reports at a scrape.
class Scrape {
 public:
  void Gauge(absl::string_view name, absl::string_view help,
             const Labels& labels, double value);
  void Counter(absl::string_view name, absl::string_view help,
               const Labels& labels, double value);

 private:
  friend class Registry;
  void Put(absl::string_view name, Type type, absl::string_view help,
           const Labels& labels, double value);
  struct Family {
    Type type;
    std::string help;
    std::map<std::string, double> series;  // rendered labels -> value
  };
  std::map<std::string, Family> families_;
};

class Registry {
 public:
  // Declares a family (before or after its first use); `buckets` for a
  // histogram (upper bounds, ascending; +Inf is added).
  void Describe(absl::string_view name, Type type, absl::string_view help,
                std::vector<double> buckets = {});
  // Adds to a counter (or sets nothing for an undeclared family: declared
  // as a counter with no help).
  void Add(absl::string_view name, const Labels& labels, double by = 1);
  // Sets a gauge.
  void Set(absl::string_view name, const Labels& labels, double value);
  // Records one observation of a histogram.
  void Observe(absl::string_view name, const Labels& labels, double value);

  using Collector = std::function<void(Scrape&)>;
  // Called at every Render until removed; returns its handle.
  int AddCollector(Collector collector);
  void RemoveCollector(int handle);

  std::string Render() const;

 private:
  struct Series {
    double value = 0;               // counter or gauge
    std::vector<uint64_t> buckets;  // histogram: per bucket, not cumulative
    double sum = 0;
    uint64_t count = 0;
  };
  struct Family {
    Type type = Type::kCounter;
    std::string help;
    std::vector<double> bounds;
    std::map<std::string, Series> series;  // rendered labels -> series
  };
  Family& FamilyLocked(absl::string_view name, Type type);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
  std::map<int, Collector> collectors_;
  int next_collector_ = 1;
};

// The process's registry.
Registry& Global();

// `{a="x",b="y"}` (empty for no labels), values escaped (\\ \" \n).
std::string RenderLabels(const Labels& labels);

// The process's resident set size in bytes (Linux /proc/self/statm); 0 when
// unknown.
double ResidentBytes();

// Removes a collector when it goes out of scope.
class CollectorHandle {
 public:
  CollectorHandle() = default;
  CollectorHandle(Registry& registry, Registry::Collector collector)
      : registry_(&registry),
        handle_(registry.AddCollector(std::move(collector))) {}
  ~CollectorHandle() { Reset(); }
  CollectorHandle(CollectorHandle&& other) noexcept {
    *this = std::move(other);
  }
  CollectorHandle& operator=(CollectorHandle&& other) noexcept {
    Reset();
    registry_ = other.registry_;
    handle_ = other.handle_;
    other.registry_ = nullptr;
    return *this;
  }
  void Reset() {
    if (registry_ != nullptr) registry_->RemoveCollector(handle_);
    registry_ = nullptr;
  }

 private:
  Registry* registry_ = nullptr;
  int handle_ = 0;
};

}  // namespace casework::metrics

#endif  // CASEWORK_LIBS_METRICS_METRICS_H_
