// The projection's key layouts, all in one place. Parts are separated by \0;
// dates are yyyymmdd (or yyyymm) digits and positions big-endian, so keys
// sort by them.
//
//   S<src>\0<stream>                   stream state (internal.StreamState)
//   P<src>\0<stream>\0<version BE64>   a record held until its turn
//                                      (internal.HeldRecord)
//   Z<src>\0<stream>                   a held or parked stream
//                                      (internal.StreamTrouble)
//   T<child>\0<yyyymmdd><src>\0<position BE64>   timeline entry
//   W<officer>\0<due yyyymmdd><stream>\0<clock>  worklist item (open clock)
//   Q<officer>\0<closed yyyymm>\0<measure>       outcome counters of a month
//   X<officer>\0<measure>\0<closed yyyymmdd>\0<source>\0<stream>\0<clock>
//                                      a missed clock (exception report)
//   Y<officer>\0<counter>\0<yyyymmdd>\0<source>\0<stream>\0<position BE64>
//                                      what an event added to a counter:
//                                      "<count>\0<child>" (a rate's cases)
//   C<officer>\0<child>                days held of a child's streams
//                                      (internal.CaseHolding)
//   H<officer>\0<yyyymm>               holding changes of a month
//   O<topic>\0<partition BE64>         next offset
//   D<officer>, G<team>                directory (casework.v1.Officer, Team)
//   V                                  storage layout version
//
// <src> is a short code per service (SourceCode).
#ifndef CASEWORK_SERVICES_PROJECTION_KEYS_H_
#define CASEWORK_SERVICES_PROJECTION_KEYS_H_

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"
#include "casework/v1/common.pb.h"
#include "libs/core/date.h"

namespace casework::projection::keys {

// Bumped whenever the keys or values change meaning.
inline constexpr char kLayout[] = "15";
inline constexpr char kLayoutKey[] = "V";

// Parts joined by \0.
std::string Join(std::initializer_list<absl::string_view> parts);
// The least key above every key that starts with `prefix` (prefixes here
// never end in 0xff).
std::string PrefixEnd(std::string prefix);

// Short codes for the services in keys (shorter keys: cheaper comparisons in
// the memtable); any other source keeps its name.
std::string SourceCode(absl::string_view source);

std::string Ymd(const v1::Date& d);
// Months as one number (year * 12 + month - 1), for ranges of months.
int MonthIndex(const v1::Date& d);
int MonthIndex(Date d);
std::string MonthKey(int index);  // yyyymm

std::string Stream(absl::string_view source, absl::string_view stream);
std::string Held(absl::string_view source, absl::string_view stream,
                 int64_t version);
std::string Trouble(absl::string_view source, absl::string_view stream);
inline constexpr char kTroublePrefix[] = "Z";

std::string Timeline(absl::string_view child, const v1::Date& occurred,
                     absl::string_view source, int64_t position);
std::string TimelinePrefix(absl::string_view child);

std::string Worklist(absl::string_view officer, const v1::Date& due,
                     absl::string_view stream, absl::string_view clock);
std::string WorklistPrefix(absl::string_view officer);

std::string Outcomes(absl::string_view officer, int month,
                     absl::string_view measure);
std::string OutcomesPrefix(absl::string_view officer);

std::string Missed(absl::string_view officer, absl::string_view measure,
                   const v1::Date& closed, absl::string_view source,
                   absl::string_view stream, absl::string_view clock);
std::string MissedPrefix(absl::string_view officer, absl::string_view measure);

std::string Counted(absl::string_view officer, absl::string_view counter,
                    const v1::Date& on, absl::string_view source,
                    absl::string_view stream, int64_t position);
std::string CountedPrefix(absl::string_view officer, absl::string_view counter);

std::string Case(absl::string_view officer, absl::string_view child);
std::string Holding(absl::string_view officer, int month);
std::string HoldingPrefix(absl::string_view officer);

std::string Offset(absl::string_view topic, int32_t partition);
inline constexpr char kOffsetPrefix[] = "O";

std::string Officer(absl::string_view officer);
std::string Team(absl::string_view team);
inline constexpr char kOfficerPrefix[] = "D";
// A case's journey to a deadline (forecast.h): J<source>\0<stream> (an
// EHC assessment's) or J<source>\0<stream>\0<clock id> (a review's) ->
// internal::Journey.
inline constexpr char kJourneyPrefix[] = "J";
std::string Journey(absl::string_view source, absl::string_view stream);
std::string Journey(absl::string_view source, absl::string_view stream,
                    absl::string_view clock_id);

}  // namespace casework::projection::keys

#endif  // CASEWORK_SERVICES_PROJECTION_KEYS_H_
