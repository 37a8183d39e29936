// casectl schools import FILE.csv: suspensions, permanent exclusions and
// termly attendance for the annual reviews service, as the back office
// would publish them on casework.school-events.v1.
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "casework/v1/school_events.pb.h"
#include "libs/kafka/kafka.h"
#include "libs/rpc/proto_date.h"
#include "libs/statutory/school.h"
#include "tools/casectl/cli.h"
#include "tools/casectl/csv_import.h"

namespace casework::cli {
namespace {

// The row's number in `column` (0 when empty); false when not a number.
bool Number(const CsvImport::Row& row, absl::string_view column, int* out) {
  const std::string text = row.Get(column);
  *out = 0;
  return text.empty() || absl::SimpleAtoi(text, out);
}

}  // namespace

// Columns (header row required): record_id, child_id, kind (suspension,
// permanent_exclusion or attendance), date (a suspension's first day, an
// exclusion's effective day), sessions (a suspension's length in half days),
// academic_year, term (autumn, spring or summer), sessions_possible and
// sessions_attended (attendance). Each row is checked as the annual reviews
// service checks it; bad rows are reported by line and not sent, the rest
// published (key = the child id). Exit status 1 when a row was bad.
int RunSchoolsImport(const Args& a, Client& client) {
  const std::string path = Positional(a, 2, "CSV file");
  const std::string brokers = a.Get("brokers", Env("CASEWORK_BROKERS", ""));
  if (brokers.empty()) {
    Die("--brokers HOST:PORT (or CASEWORK_BROKERS) is required: school "
        "events are published to Kafka");
  }
  CsvImport file(
      path, {"record_id", "child_id", "kind"},
      {"record_id", "child_id", "kind", "date", "sessions", "academic_year",
       "term", "sessions_possible", "sessions_attended"},
      "record_id, child_id, kind, date, sessions, academic_year, "
      "term, sessions_possible, sessions_attended");
  std::vector<kafka::Message> records;
  file.ForEach([&](const CsvImport::Row& row) {
    v1::SchoolEventRecord r;
    r.set_record_id(row.Get("record_id"));
    r.set_child_id(row.Get("child_id"));
    const std::string kind = absl::AsciiStrToLower(row.Get("kind"));
    auto date = [&](v1::Date* out) {
      absl::StatusOr<Date> d = Date::Parse(row.Get("date"));
      if (!d.ok()) {
        file.Reject(row, absl::StrCat("date: ", d.status().message()));
        return false;
      }
      *out = ToProto(*d);
      return true;
    };
    if (kind == "suspension") {
      int sessions = 0;
      if (!Number(row, "sessions", &sessions)) {
        file.Reject(row, "sessions: not a whole number");
        return;
      }
      if (!date(r.mutable_suspension()->mutable_start_on())) return;
      r.mutable_suspension()->set_sessions(sessions);
    } else if (kind == "permanent_exclusion") {
      if (!date(r.mutable_permanent_exclusion()->mutable_effective_on())) {
        return;
      }
    } else if (kind == "attendance") {
      v1::TermAttendance* t = r.mutable_attendance();
      int year = 0, possible = 0, attended = 0;
      if (!Number(row, "academic_year", &year) ||
          !Number(row, "sessions_possible", &possible) ||
          !Number(row, "sessions_attended", &attended)) {
        file.Reject(row,
                    "academic_year, sessions_possible and sessions_attended "
                    "are whole numbers");
        return;
      }
      t->set_academic_year(year);
      t->set_sessions_possible(possible);
      t->set_sessions_attended(attended);
      const std::string term = absl::AsciiStrToLower(row.Get("term"));
      if (term == "autumn") {
        t->set_term(v1::SCHOOL_TERM_AUTUMN);
      } else if (term == "spring") {
        t->set_term(v1::SCHOOL_TERM_SPRING);
      } else if (term == "summer") {
        t->set_term(v1::SCHOOL_TERM_SUMMER);
      } else {
        file.Reject(row, absl::StrCat("term: '", term,
                                      "' is not autumn, spring or summer"));
        return;
      }
    } else {
      file.Reject(row, absl::StrCat("kind: '", kind,
                                    "' is not suspension, "
                                    "permanent_exclusion or attendance"));
      return;
    }
    if (absl::Status s = statutory::CheckSchoolEvent(r); !s.ok()) {
      file.Reject(row, s.message());
      return;
    }
    kafka::Message m;
    m.key = r.child_id();
    m.value = r.SerializeAsString();
    m.headers = {{"content-type", "application/protobuf"},
                 {"ce_type", statutory::kSchoolEventRecordType}};
    records.push_back(std::move(m));
  });
  return PublishImport(a, client, file, brokers, statutory::kSchoolEventsTopic,
                       records, "school event(s)");
}

}  // namespace casework::cli
