#include "libs/core/clock.h"

#include <random>

#include "absl/strings/str_format.h"

namespace casework {

Date Clock::Today() const { return DateInEngland(Now()); }

SystemClock& SystemClock::Get() {
  static SystemClock* clock = new SystemClock();
  return *clock;
}

FakeClock::FakeClock(Date day) : nanos_(0) { SetToday(day); }

void FakeClock::SetToday(Date day) {
  absl::Time t = absl::FromUnixSeconds(int64_t{day.days_since_epoch()} * 86400 +
                                       12 * 3600);
  nanos_ = absl::ToUnixNanos(t);
}

Date DateInEngland(absl::Time t) {
  static const absl::TimeZone zone = [] {
    absl::TimeZone tz;
    if (!absl::LoadTimeZone("Europe/London", &tz)) tz = absl::UTCTimeZone();
    return tz;
  }();
  absl::CivilDay day = absl::ToCivilDay(t, zone);
  return Date::Ymd(static_cast<int>(day.year()), day.month(), day.day());
}

std::string NewUuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 1
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32,
                         (hi >> 16) & 0xffff, hi & 0xffff, lo >> 48,
                         lo & 0xffffffffffffULL);
}

}  // namespace casework
