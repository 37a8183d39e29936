#include "libs/statutory/school.h"

#include "absl/strings/str_cat.h"
#include "libs/core/calendar.h"
#include "libs/rpc/proto_date.h"

namespace casework::statutory {
namespace {

Date DateOfProto(const v1::Date& d) {
  absl::StatusOr<Date> out = Date::FromYmd(d.year(), d.month(), d.day());
  return out.ok() ? *out : Date();
}

}  // namespace

SchoolTermOf TermOf(Date day) {
  const int year = day.year();
  if (day.month() >= 8) return {year, v1::SCHOOL_TERM_AUTUMN};
  if (day <= EasterSunday(year)) return {year - 1, v1::SCHOOL_TERM_SPRING};
  return {year - 1, v1::SCHOOL_TERM_SUMMER};
}

Date TermStart(SchoolTermOf t) {
  switch (t.term) {
    case v1::SCHOOL_TERM_AUTUMN:
      return Date::Ymd(t.academic_year, 8, 1);
    case v1::SCHOOL_TERM_SPRING:
      return Date::Ymd(t.academic_year + 1, 1, 1);
    default:
      return EasterSunday(t.academic_year + 1).AddDays(1);
  }
}

Date TermEnd(SchoolTermOf t) {
  switch (t.term) {
    case v1::SCHOOL_TERM_AUTUMN:
      return Date::Ymd(t.academic_year, 12, 31);
    case v1::SCHOOL_TERM_SPRING:
      return EasterSunday(t.academic_year + 1);
    default:
      return Date::Ymd(t.academic_year + 1, 7, 31);
  }
}

std::string TermName(SchoolTermOf t) {
  const char* name = t.term == v1::SCHOOL_TERM_AUTUMN   ? "autumn"
                     : t.term == v1::SCHOOL_TERM_SPRING ? "spring"
                                                        : "summer";
  return absl::StrCat(t.academic_year, "/", (t.academic_year + 1) % 100 / 10,
                      (t.academic_year + 1) % 10, " ", name, " term");
}

bool PersistentlyAbsent(int sessions_possible, int sessions_attended) {
  return 10 * (sessions_possible - sessions_attended) >= sessions_possible;
}

absl::Status CheckSchoolEvent(const v1::SchoolEventRecord& r) {
  if (r.record_id().empty()) {
    return absl::InvalidArgumentError("record_id: required");
  }
  if (absl::Status s = ValidateId("record_id", r.record_id()); !s.ok())
    return s;
  if (r.child_id().empty()) {
    return absl::InvalidArgumentError("child_id: required");
  }
  if (absl::Status s = ValidateId("child_id", r.child_id()); !s.ok()) return s;
  switch (r.event_case()) {
    case v1::SchoolEventRecord::kSuspension: {
      if (absl::Status s =
              FromProto("suspension.start_on", r.suspension().start_on())
                  .status();
          !s.ok()) {
        return s;
      }
      const int sessions = r.suspension().sessions();
      if (sessions < 1 || sessions > 90) {
        return absl::InvalidArgumentError(
            absl::StrCat("suspension.sessions: ", sessions,
                         " is not 1 to 90 sessions (half days; a pupil may be "
                         "suspended for 45 school days a year at most)"));
      }
      return absl::OkStatus();
    }
    case v1::SchoolEventRecord::kPermanentExclusion:
      return FromProto("permanent_exclusion.effective_on",
                       r.permanent_exclusion().effective_on())
          .status();
    case v1::SchoolEventRecord::kAttendance: {
      const v1::TermAttendance& a = r.attendance();
      if (a.academic_year() < 2000 || a.academic_year() > 2100) {
        return absl::InvalidArgumentError(
            absl::StrCat("attendance.academic_year: ", a.academic_year(),
                         " is not a year from 2000 to 2100 (the year its "
                         "autumn term starts in)"));
      }
      if (a.term() < v1::SCHOOL_TERM_AUTUMN ||
          a.term() > v1::SCHOOL_TERM_SUMMER) {
        return absl::InvalidArgumentError(
            "attendance.term: required (AUTUMN, SPRING or SUMMER)");
      }
      if (a.sessions_possible() < 1 || a.sessions_possible() > 200) {
        return absl::InvalidArgumentError(absl::StrCat(
            "attendance.sessions_possible: ", a.sessions_possible(),
            " is not 1 to 200"));
      }
      if (a.sessions_attended() < 0 ||
          a.sessions_attended() > a.sessions_possible()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "attendance.sessions_attended: ", a.sessions_attended(),
            " is not 0 to sessions_possible (", a.sessions_possible(), ")"));
      }
      return absl::OkStatus();
    }
    case v1::SchoolEventRecord::EVENT_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      "event: one of suspension, permanent_exclusion or attendance is "
      "required");
}

Date CountedOn(const v1::SchoolEventRecord& r) {
  switch (r.event_case()) {
    case v1::SchoolEventRecord::kSuspension:
      return DateOfProto(r.suspension().start_on());
    case v1::SchoolEventRecord::kPermanentExclusion:
      return DateOfProto(r.permanent_exclusion().effective_on());
    case v1::SchoolEventRecord::kAttendance:
      return TermEnd({r.attendance().academic_year(), r.attendance().term()});
    case v1::SchoolEventRecord::EVENT_NOT_SET:
      break;
  }
  return Date();
}

}  // namespace casework::statutory
