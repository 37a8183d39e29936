// Clock: the injected source of "now" and "today".
//
// Business code never reads the wall clock (house style 13); it takes a
// `Clock&`. Services use `SystemClock`; tests use `FakeClock` and move it by
// hand.
//
// Thread safety: implementations are thread-safe.
#ifndef CASEWORK_LIBS_CORE_CLOCK_H_
#define CASEWORK_LIBS_CORE_CLOCK_H_

#include <atomic>

#include "absl/time/time.h"
#include "libs/core/date.h"

namespace casework {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
  // Today's date in England (Europe/London), the zone every statutory date is
  // in.
  virtual Date Today() const;
};

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  static SystemClock& Get();
};

// A non-production stack's clock (--today, for demonstrations, training and
// tests): the real time, but a fixed business date, so steps dated up to that
// day are accepted and clocks are shown as of it.
class BusinessDateClock final : public Clock {
 public:
  explicit BusinessDateClock(Date today) : today_(today) {}
  absl::Time Now() const override { return absl::Now(); }
  Date Today() const override { return today_; }

 private:
  const Date today_;
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : nanos_(absl::ToUnixNanos(start)) {}
  // A clock at noon UTC on `day`.
  explicit FakeClock(Date day);
  absl::Time Now() const override { return absl::FromUnixNanos(nanos_.load()); }
  void Advance(absl::Duration d) { nanos_ += absl::ToInt64Nanoseconds(d); }
  void SetToday(Date day);

 private:
  std::atomic<int64_t> nanos_;
};

// The date of instant `t` in Europe/London (falls back to UTC when the zone
// database is missing).
Date DateInEngland(absl::Time t);

// A new random (version 4) UUID in its canonical text form.
std::string NewUuid();

}  // namespace casework

#endif  // CASEWORK_LIBS_CORE_CLOCK_H_
