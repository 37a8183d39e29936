// School events of children with a plan (topic casework.school-events.v1,
// proto/casework/v1/school_events.proto): the record's contract, the DfE's
// school terms, persistent absence, the counters the measures read, and when
// a record asks the plan's officer to consider an early review.
//
// Sources:
// - Terms: the DfE's school census terms (autumn 1 August - 31 December,
//   spring 1 January - Easter Sunday, summer Easter Monday - 31 July).
// - Persistent absence: the DfE's pupil absence statistics, a pupil missing
//   10% or more of their possible sessions (so attendance of exactly 90% is
//   persistent absence).
// - Early review: the DfE's suspension and permanent exclusion guidance
//   expects a school to consider asking for an early (interim) review of the
//   EHC plan of a pupil at risk of exclusion; the LA reviews a plan whenever
//   it needs to (CFA 2014 s.44(1) sets only the longest interval). When to
//   consider one, and how soon, is local policy: a permanent exclusion, or a
//   second suspension in a term; 10 working days
//   (review.consider_early_review).
//
// Thread safety: pure functions.
#ifndef CASEWORK_LIBS_STATUTORY_SCHOOL_H_
#define CASEWORK_LIBS_STATUTORY_SCHOOL_H_

#include <string>

#include "absl/status/status.h"
#include "casework/v1/school_events.pb.h"
#include "libs/core/date.h"

namespace casework::statutory {

inline constexpr char kSchoolEventsTopic[] = "casework.school-events.v1";
inline constexpr char kSchoolEventRecordType[] =
    "uk.send.casework.school-events.v1.SchoolEventRecord";

// Counters (v1::Tally codes) of the annual reviews service's
// SchoolEventReported: a suspension on its first day, a permanent exclusion
// on the day it takes effect, a term's attendance on the term's last day
// (persistently absent, and recorded).
inline constexpr char kSuspensions[] = "schools.suspensions";
inline constexpr char kPermanentExclusions[] = "schools.permanent_exclusions";
inline constexpr char kAttendanceRecorded[] = "schools.attendance_recorded";
inline constexpr char kPersistentlyAbsent[] = "schools.persistently_absent";

struct SchoolTermOf {
  int academic_year = 0;  // the year its autumn term starts in
  v1::SchoolTerm term = v1::SCHOOL_TERM_UNSPECIFIED;
  friend bool operator==(const SchoolTermOf&, const SchoolTermOf&) = default;
};

// The census term `day` falls in.
SchoolTermOf TermOf(Date day);
// The first and last day of a census term. REQUIRES: a term is set.
Date TermStart(SchoolTermOf t);
Date TermEnd(SchoolTermOf t);
// "2026/27 autumn term".
std::string TermName(SchoolTermOf t);

// True when the absent sessions are 10% or more of those possible.
// REQUIRES: 0 <= attended <= possible, possible > 0.
bool PersistentlyAbsent(int sessions_possible, int sessions_attended);

// OK when the record keeps the topic's contract: record and child ids in the
// one id form, one event set, real dates, a suspension of 1 to 90 sessions,
// attendance of a set term of a year from 2000 to 2100 with 1 to 200
// sessions possible and no more attended than possible. INVALID_ARGUMENT
// naming the field otherwise.
absl::Status CheckSchoolEvent(const v1::SchoolEventRecord& record);

// The day a record counts on (see the counters above).
Date CountedOn(const v1::SchoolEventRecord& record);

}  // namespace casework::statutory

#endif  // CASEWORK_LIBS_STATUTORY_SCHOOL_H_
