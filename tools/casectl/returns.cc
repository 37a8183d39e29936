// casectl people import FILE.csv, casectl sen2 export / check: the statutory
// returns from the command line.
#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "casework/v1/people.pb.h"
#include "casework/v1/returns.grpc.pb.h"
#include "libs/kafka/kafka.h"
#include "services/statutory-returns/people.h"
#include "tools/casectl/cli.h"
#include "tools/casectl/csv_import.h"

namespace casework::cli {

// Columns (header row required): child_id, surname, forename, date_of_birth,
// sex, ethnicity, postcode, upn, uln, upn_unknown. Each row is checked as the
// statutory-returns service checks it (formats, code sets, the UPN's check
// letter); bad rows are reported by line and not sent, the rest published
// (key = the child id) to casework.people.v1. Exit status 1 when a row was bad.
int RunPeopleImport(const Args& a, Client& client) {
  const std::string path = Positional(a, 2, "CSV file");
  const std::string brokers = a.Get("brokers", Env("CASEWORK_BROKERS", ""));
  if (brokers.empty()) {
    Die("--brokers HOST:PORT (or CASEWORK_BROKERS) is required: person "
        "details are published to Kafka");
  }
  CsvImport file(path, {"child_id"}, {},
                 "child_id, surname, forename, date_of_birth, sex, ethnicity, "
                 "postcode, upn, uln, upn_unknown");
  std::vector<kafka::Message> records;
  file.ForEach([&](const CsvImport::Row& row) {
    v1::PersonRecord p;
    p.set_child_id(row.Get("child_id"));
    p.set_surname(row.Get("surname"));
    p.set_forename(row.Get("forename"));
    const std::string dob = row.Get("date_of_birth");
    if (!dob.empty()) {
      absl::StatusOr<Date> d = Date::Parse(dob);
      if (!d.ok()) {
        file.Reject(row, absl::StrCat("date_of_birth: ", d.status().message()));
        return;
      }
      *p.mutable_date_of_birth() = ToProto(*d);
    }
    p.set_sex(absl::AsciiStrToUpper(row.Get("sex")));
    p.set_ethnicity(absl::AsciiStrToUpper(row.Get("ethnicity")));
    p.set_postcode(absl::AsciiStrToUpper(row.Get("postcode")));
    p.set_upn(absl::AsciiStrToUpper(row.Get("upn")));
    p.set_uln(row.Get("uln"));
    p.set_upn_unknown(absl::AsciiStrToUpper(row.Get("upn_unknown")));
    if (absl::Status s = returns::CheckPerson(p); !s.ok()) {
      file.Reject(row, s.message());
      return;
    }
    kafka::Message m;
    m.key = p.child_id();
    m.value = p.SerializeAsString();
    m.headers = {{"content-type", "application/protobuf"},
                 {"ce_type", returns::kPersonRecordType}};
    records.push_back(std::move(m));
  });
  return PublishImport(a, client, file, brokers, returns::kPeopleTopic, records,
                       "person record(s)");
}

namespace {

int Year(const Args& a) {
  int year = 0;
  if (!absl::SimpleAtoi(Require(a, "year"), &year)) {
    Die("--year takes the census year, e.g. 2027");
  }
  return year;
}

void PrintCounts(const v1::Sen2Counts& n) {
  std::printf(
      "persons %d, requests %d (received in the year %d), plans active on "
      "census day %d, ceased in the year %d; errors %d, warnings %d\n",
      n.persons(), n.requests(), n.requests_in_year(), n.active_plans(),
      n.ceased_in_year(), n.errors(), n.warnings());
}

}  // namespace

int RunSen2(const Args& a, Client& client) {
  auto stub =
      v1::ReturnsService::NewStub(client.Channel(ServiceAddress(a, "returns")));
  const std::string verb = Positional(a, 1, "sen2 command (export, check)");
  grpc::ClientContext ctx;
  client.Context(&ctx);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
  if (verb == "export") {
    v1::ExportSen2Request r;
    r.set_year(Year(a));
    *r.mutable_reference_date() = DateFlag(a, "reference-date", false);
    r.set_allow_errors(a.Has("allow-errors"));
    const std::string out =
        a.Get("out", absl::StrCat("sen2-", r.year(), ".xml"));
    // The XML where asked; the CSVs in a folder beside it.
    const std::filesystem::path xml(out);
    const std::filesystem::path csv_dir =
        a.Has("csv-dir") ? std::filesystem::path(a.Get("csv-dir"))
                         : std::filesystem::path(out + ".csv");
    v1::Sen2Export resp;
    grpc::Status s = stub->ExportSen2(&ctx, r, &resp);
    if (!s.ok()) return client.Check(s);
    std::error_code ec;
    std::filesystem::create_directories(csv_dir, ec);
    if (ec) Fail(absl::StrCat("cannot create ", csv_dir.string()));
    for (int i = 0; i < resp.files_size(); ++i) {
      const v1::Sen2File& f = resp.files(i);
      const std::filesystem::path to = i == 0 ? xml : csv_dir / f.name();
      std::ofstream file(to, std::ios::binary);
      file << f.content();
      if (!file) Fail(absl::StrCat("cannot write ", to.string()));
    }
    if (client.json()) {
      client.PrintJson(resp.counts());
      return 0;
    }
    std::printf(
        "SEN2 %d (census day %s): %s and %d CSV files in %s%s\n", resp.year(),
        Str(resp.reference_date()).c_str(), out.c_str(), resp.files_size() - 1,
        csv_dir.string().c_str(),
        resp.has_errors() ? " (WITH ERRORS: not ready for COLLECT)" : "");
    PrintCounts(resp.counts());
    return 0;
  }
  if (verb == "check") {
    v1::CheckSen2Request r;
    r.set_year(Year(a));
    *r.mutable_reference_date() = DateFlag(a, "reference-date", false);
    r.set_officer_id(a.Get("officer"));
    v1::Sen2Check resp;
    grpc::Status s = stub->CheckSen2(&ctx, r, &resp);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(resp);
    } else {
      std::printf("SEN2 %d check (census day %s)\n", resp.year(),
                  Str(resp.reference_date()).c_str());
      std::printf("%-8s %-16s %-14s %-22s %-20s %s\n", "LEVEL", "CHILD",
                  "OFFICER", "ELEMENT", "CASE", "PROBLEM");
      for (const v1::Sen2Problem& p : resp.problems()) {
        std::printf(
            "%-8s %-16s %-14s %-22s %-20s %s\n",
            p.severity() == v1::SEN2_SEVERITY_ERROR ? "error" : "warning",
            p.child_id().c_str(),
            p.officer_id().empty() ? "-" : p.officer_id().c_str(),
            p.element().c_str(),
            p.stream_id().empty() ? "-" : p.stream_id().c_str(),
            p.message().c_str());
      }
      PrintCounts(resp.counts());
    }
    for (const v1::Sen2Problem& p : resp.problems()) {
      if (p.severity() == v1::SEN2_SEVERITY_ERROR) return 1;
    }
    return 0;
  }
  Die(absl::StrCat("sen2: unknown command '", verb, "' (export, check)"));
}

}  // namespace casework::cli
