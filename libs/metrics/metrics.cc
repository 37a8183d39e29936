#include "libs/metrics/metrics.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace casework::metrics {
namespace {

const char* TypeName(Type t) {
  switch (t) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

std::string Number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(v));
  }
  return absl::StrFormat("%.9g", v);
}

// HELP text escapes \ and newline.
std::string Help(absl::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// The labels with one more appended (le for a histogram bucket).
std::string WithLabel(const std::string& rendered, absl::string_view name,
                      absl::string_view value) {
  const std::string extra = absl::StrCat(name, "=\"", value, "\"");
  if (rendered.empty()) return absl::StrCat("{", extra, "}");
  return absl::StrCat(rendered.substr(0, rendered.size() - 1), ",", extra, "}");
}

void Header(std::string* out, const std::string& name, Type type,
            const std::string& help) {
  absl::StrAppend(out, "# HELP ", name, " ", help.empty() ? name : Help(help),
                  "\n# TYPE ", name, " ", TypeName(type), "\n");
}

}  // namespace

const std::vector<double>& LatencyBuckets() {
  static const auto* b =
      new std::vector<double>{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                              0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return *b;
}

std::string RenderLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, labels[i].first, "=\"");
    for (char c : labels[i].second) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '"') {
        out += "\\\"";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out.push_back(c);
      }
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

void Scrape::Put(absl::string_view name, Type type, absl::string_view help,
                 const Labels& labels, double value) {
  Family& f = families_[std::string(name)];
  f.type = type;
  f.help = std::string(help);
  f.series[RenderLabels(labels)] = value;
}

void Scrape::Gauge(absl::string_view name, absl::string_view help,
                   const Labels& labels, double value) {
  Put(name, Type::kGauge, help, labels, value);
}

void Scrape::Counter(absl::string_view name, absl::string_view help,
                     const Labels& labels, double value) {
  Put(name, Type::kCounter, help, labels, value);
}

Registry::Family& Registry::FamilyLocked(absl::string_view name, Type type) {
  auto [it, added] = families_.try_emplace(std::string(name));
  if (added) {
    it->second.type = type;
    if (type == Type::kHistogram) it->second.bounds = LatencyBuckets();
  }
  return it->second;
}

void Registry::Describe(absl::string_view name, Type type,
                        absl::string_view help, std::vector<double> buckets) {
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = FamilyLocked(name, type);
  f.type = type;
  f.help = std::string(help);
  if (type == Type::kHistogram && !buckets.empty() && f.series.empty()) {
    f.bounds = std::move(buckets);
  }
}

void Registry::Add(absl::string_view name, const Labels& labels, double by) {
  std::lock_guard<std::mutex> lock(mu_);
  FamilyLocked(name, Type::kCounter).series[RenderLabels(labels)].value += by;
}

void Registry::Set(absl::string_view name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  FamilyLocked(name, Type::kGauge).series[RenderLabels(labels)].value = value;
}

void Registry::Observe(absl::string_view name, const Labels& labels,
                       double value) {
  const std::string rendered = RenderLabels(labels);
  std::lock_guard<std::mutex> lock(mu_);
  Family& f = FamilyLocked(name, Type::kHistogram);
  Series& s = f.series[rendered];
  if (s.buckets.size() != f.bounds.size() + 1) {
    s.buckets.assign(f.bounds.size() + 1, 0);
  }
  size_t i = 0;
  while (i < f.bounds.size() && value > f.bounds[i]) ++i;
  ++s.buckets[i];
  s.sum += value;
  ++s.count;
}

int Registry::AddCollector(Collector collector) {
  std::lock_guard<std::mutex> lock(mu_);
  const int handle = next_collector_++;
  collectors_[handle] = std::move(collector);
  return handle;
}

void Registry::RemoveCollector(int handle) {
  std::lock_guard<std::mutex> lock(mu_);
  collectors_.erase(handle);
}

std::string Registry::Render() const {
  Scrape scrape;
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [handle, collect] : collectors_) collect(scrape);
  // Families the collectors report that the registry also keeps are the
  // registry's (a name has one type).
  for (const auto& [name, f] : families_) {
    if (f.series.empty()) continue;
    Header(&out, name, f.type, f.help);
    for (const auto& [labels, s] : f.series) {
      if (f.type != Type::kHistogram) {
        absl::StrAppend(&out, name, labels, " ", Number(s.value), "\n");
        continue;
      }
      uint64_t cumulative = 0;
      for (size_t i = 0; i < f.bounds.size(); ++i) {
        cumulative += i < s.buckets.size() ? s.buckets[i] : 0;
        absl::StrAppend(&out, name, "_bucket",
                        WithLabel(labels, "le", Number(f.bounds[i])), " ",
                        cumulative, "\n");
      }
      absl::StrAppend(&out, name, "_bucket", WithLabel(labels, "le", "+Inf"),
                      " ", s.count, "\n", name, "_sum", labels, " ",
                      Number(s.sum), "\n", name, "_count", labels, " ", s.count,
                      "\n");
    }
  }
  for (const auto& [name, f] : scrape.families_) {
    if (families_.contains(name) && !families_.at(name).series.empty()) {
      continue;
    }
    Header(&out, name, f.type, f.help);
    for (const auto& [labels, value] : f.series) {
      absl::StrAppend(&out, name, labels, " ", Number(value), "\n");
    }
  }
  return out;
}

Registry& Global() {
  static auto* registry = new Registry();
  return *registry;
}

double ResidentBytes() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  if (!(in >> pages >> resident)) return 0;
  return static_cast<double>(resident) *
         static_cast<double>(sysconf(_SC_PAGESIZE));
}

}  // namespace casework::metrics
