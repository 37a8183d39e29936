#include "services/projection/keys.h"

#include "absl/strings/str_cat.h"
#include "libs/core/codec.h"
#include "libs/host/catalogue.h"

namespace casework::projection::keys {

std::string Join(std::initializer_list<absl::string_view> parts) {
  std::string out;
  bool first = true;
  for (absl::string_view p : parts) {
    if (!first) out.push_back('\0');
    out.append(p.data(), p.size());
    first = false;
  }
  return out;
}

std::string PrefixEnd(std::string prefix) {
  prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

std::string SourceCode(absl::string_view source) {
  const ServiceEntry* e = FindService(source);
  if (e != nullptr && e->domain()) return e->projection_code;
  return std::string(source);
}

std::string Ymd(const v1::Date& d) {
  return absl::StrCat(d.year() * 10000 + d.month() * 100 + d.day());
}

int MonthIndex(const v1::Date& d) { return d.year() * 12 + d.month() - 1; }
int MonthIndex(Date d) { return d.year() * 12 + d.month() - 1; }
std::string MonthKey(int index) {
  return absl::StrCat((index / 12) * 100 + index % 12 + 1);
}

namespace {
std::string Nul() { return std::string(1, '\0'); }
}  // namespace

std::string Stream(absl::string_view source, absl::string_view stream) {
  return absl::StrCat("S", Join({SourceCode(source), stream}));
}

std::string Held(absl::string_view source, absl::string_view stream,
                 int64_t version) {
  return absl::StrCat(
      "P", Join({SourceCode(source), stream,
                 codec::BigEndian64(static_cast<uint64_t>(version))}));
}

std::string Trouble(absl::string_view source, absl::string_view stream) {
  return absl::StrCat(kTroublePrefix, Join({SourceCode(source), stream}));
}

std::string Timeline(absl::string_view child, const v1::Date& occurred,
                     absl::string_view source, int64_t position) {
  return absl::StrCat(
      "T", Join({child, absl::StrCat(Ymd(occurred), SourceCode(source)),
                 codec::BigEndian64(static_cast<uint64_t>(position))}));
}

std::string TimelinePrefix(absl::string_view child) {
  return absl::StrCat("T", child, Nul());
}

std::string Worklist(absl::string_view officer, const v1::Date& due,
                     absl::string_view stream, absl::string_view clock) {
  return absl::StrCat("W",
                      Join({officer, absl::StrCat(Ymd(due), stream), clock}));
}

std::string WorklistPrefix(absl::string_view officer) {
  return absl::StrCat("W", officer, Nul());
}

std::string Outcomes(absl::string_view officer, int month,
                     absl::string_view measure) {
  return absl::StrCat("Q", Join({officer, MonthKey(month), measure}));
}

std::string OutcomesPrefix(absl::string_view officer) {
  return absl::StrCat("Q", officer, Nul());
}

std::string Missed(absl::string_view officer, absl::string_view measure,
                   const v1::Date& closed, absl::string_view source,
                   absl::string_view stream, absl::string_view clock) {
  return absl::StrCat(
      "X", Join({officer, measure, Ymd(closed), source, stream, clock}));
}

std::string MissedPrefix(absl::string_view officer, absl::string_view measure) {
  return absl::StrCat("X", Join({officer, measure, ""}));
}

std::string Counted(absl::string_view officer, absl::string_view counter,
                    const v1::Date& on, absl::string_view source,
                    absl::string_view stream, int64_t position) {
  return absl::StrCat(
      "Y", Join({officer, counter, Ymd(on), source, stream,
                 codec::BigEndian64(static_cast<uint64_t>(position))}));
}

std::string CountedPrefix(absl::string_view officer,
                          absl::string_view counter) {
  return absl::StrCat("Y", Join({officer, counter, ""}));
}

std::string Case(absl::string_view officer, absl::string_view child) {
  return absl::StrCat("C", Join({officer, child}));
}

std::string Holding(absl::string_view officer, int month) {
  return absl::StrCat("H", Join({officer, MonthKey(month)}));
}

std::string HoldingPrefix(absl::string_view officer) {
  return absl::StrCat("H", officer, Nul());
}

std::string Offset(absl::string_view topic, int32_t partition) {
  return absl::StrCat(
      kOffsetPrefix,
      Join({topic, codec::BigEndian64(static_cast<uint64_t>(partition))}));
}

std::string Officer(absl::string_view officer) {
  return absl::StrCat(kOfficerPrefix, officer);
}

std::string Team(absl::string_view team) { return absl::StrCat("G", team); }

std::string Journey(absl::string_view source, absl::string_view stream) {
  return absl::StrCat(kJourneyPrefix, Join({SourceCode(source), stream}));
}

std::string Journey(absl::string_view source, absl::string_view stream,
                    absl::string_view clock_id) {
  return absl::StrCat(kJourneyPrefix,
                      Join({SourceCode(source), stream, clock_id}));
}

}  // namespace casework::projection::keys
