#include "libs/core/clock.h"

#include <openssl/rand.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_format.h"
#include "libs/core/log.h"

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
  // 122 random bits from OpenSSL's CSPRNG (seeded from the OS, reseeded after
  // fork), so ids made by separate processes - every casectl run - collide
  // only with probability ~n^2 / 2^123. A seeded Mersenne twister drew them
  // from 2^32 sequences per process before.
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    // No entropy is a broken machine: an id from a weak source could answer a
    // new command with another's result, so stop rather than guess.
    LogError("cannot draw random bytes for an id (OpenSSL RAND_bytes)", {});
    std::abort();
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // variant 1 (RFC)
  return absl::StrFormat(
      "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
      b[12], b[13], b[14], b[15]);
}

}  // namespace casework
