// Shared pieces of casectl's commands: argument parsing, plain errors, date
// flags, and the gRPC client (token, TLS, deadlines, error printing).
#ifndef CASEWORK_TOOLS_CASECTL_CLI_H_
#define CASEWORK_TOOLS_CASECTL_CLI_H_

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "casework/v1/common.pb.h"
#include "libs/core/csv.h"
#include "libs/core/date.h"
#include "libs/core/log.h"
#include "libs/rpc/proto_date.h"

namespace casework::cli {

// The parsed command line: the command words and positional arguments in
// order, and the flags given (an on/off flag as "true"). Filled by
// ParseCommandLine (parse.h) from the declared commands (spec.h). It notes
// which flags a command reads, so a test can prove every declared flag is
// used (CASECTL_CHECK_FLAGS_USED).
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;
  // The flags declared by the command itself (not the global options).
  std::set<std::string> command_flags;
  mutable std::set<std::string> read;
  bool Has(const std::string& k) const {
    read.insert(k);
    return flags.contains(k);
  }
  std::string Get(const std::string& k,
                  const std::string& fallback = "") const {
    read.insert(k);
    auto it = flags.find(k);
    return it == flags.end() ? fallback : it->second;
  }
};

// A usage error (exit 2).
[[noreturn]] inline void Die(const std::string& message) {
  std::fprintf(stderr, "casectl: %s\n", message.c_str());
  std::exit(2);
}

// A failure of the command itself, not of its usage (exit 1).
[[noreturn]] inline void Fail(const std::string& message) {
  std::fprintf(stderr, "casectl: %s\n", message.c_str());
  std::exit(1);
}

inline std::string ReadOrDie(const std::string& path, const std::string& flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die(absl::StrCat(flag, ": cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The rows of a CSV file (libs/core/csv.h: quotes, CRLF, a UTF-8 BOM),
// the header first; exits 2 naming the file (and line) when it cannot be
// read, is malformed or is empty.
inline std::vector<CsvRow> ReadCsvFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv(text.str());
  if (!rows.ok()) Die(absl::StrCat(path, ": ", rows.status().message()));
  if (rows->empty()) Die(absl::StrCat(path, ": empty file"));
  return *std::move(rows);
}

inline std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// A service's address from the service catalogue: --ehc, $CASEWORK_EHC_ADDR,
// else 127.0.0.1:7101 (and so on); dies naming the services for an unknown
// one. `service` is a casectl name (ehc) or a service name.
std::string ServiceAddress(const Args& a, const std::string& service);

inline v1::Date DateFlag(const Args& a, const std::string& name,
                         bool required = true) {
  if (!a.Has(name)) {
    if (required) Die(absl::StrCat("--", name, " YYYY-MM-DD is required"));
    return v1::Date();
  }
  absl::StatusOr<Date> d = Date::Parse(a.Get(name));
  if (!d.ok()) Die(absl::StrCat("--", name, ": ", d.status().message()));
  return ToProto(*d);
}

inline std::string Str(const v1::Date& d) {
  if (!IsSet(d)) return "-";
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

// An enum value's name as a word for people and flags: the prefix dropped,
// lower case, dashes (COMPLAINT_FINDING_NOT_UPHELD, 18 -> not-upheld).
inline std::string EnumWord(const std::string& enum_name, size_t prefix) {
  std::string out = absl::AsciiStrToLower(enum_name.substr(prefix));
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

// A case's statutory clocks as a table, columns as wide as their contents.
inline void PrintClocks(
    const google::protobuf::RepeatedPtrField<v1::Clock>& clocks) {
  int id_width = 5, rule_width = 4;  // "CLOCK", "RULE"
  for (const v1::Clock& c : clocks) {
    id_width = std::max(id_width, static_cast<int>(c.clock_id().size()));
    rule_width = std::max(rule_width, static_cast<int>(c.rule().size()));
  }
  std::printf("%-*s %-*s %-11s %-11s %-10s %s\n", id_width, "CLOCK", rule_width,
              "RULE", "DUE", "CLOSED", "STATUS", "EXCEPTION");
  for (const v1::Clock& c : clocks) {
    std::printf("%-*s %-*s %-11s %-11s %-10s %s\n", id_width,
                c.clock_id().c_str(), rule_width, c.rule().c_str(),
                Str(c.due_on()).c_str(), Str(c.closed_on()).c_str(),
                v1::ClockStatus_Name(c.status()).substr(13).c_str(),
                c.exception() ? "yes" : "");
  }
}

inline std::string Require(const Args& a, const std::string& name) {
  if (!a.Has(name) || a.Get(name).empty())
    Die(absl::StrCat("--", name, " is required"));
  return a.Get(name);
}

inline std::string Positional(const Args& a, size_t i, const char* what) {
  if (a.positional.size() <= i) Die(absl::StrCat("missing ", what));
  return a.positional[i];
}

template <typename T>
T Pick(const std::map<std::string, T>& table, const std::string& flag,
       const std::string& value) {
  auto it = table.find(value);
  if (it == table.end()) {
    std::string known;
    for (const auto& [k, v] : table)
      absl::StrAppend(&known, known.empty() ? "" : ", ", k);
    Die(absl::StrCat("--", flag, ": '", value, "' is not one of ", known));
  }
  return it->second;
}

// A setting from --<prefix>urn, --<prefix>ukprn, --<prefix>setting and (for
// the main one) --setting-other, --sen-unit, --resourced-provision; nullopt
// when none of the three is given. Every flag is read; the service checks
// that exactly one names the setting.
inline std::optional<v1::Setting> SettingFlags(const Args& a,
                                               const std::string& prefix,
                                               int rank) {
  v1::Setting s;
  s.set_urn(a.Get(prefix + "urn"));
  s.set_ukprn(a.Get(prefix + "ukprn"));
  const std::string code = a.Get(prefix + "setting");
  if (!code.empty()) {
    s.set_setting(Pick<v1::SenSetting>({{"ola", v1::SEN_SETTING_OLA},
                                        {"opa", v1::SEN_SETTING_OPA},
                                        {"ehe", v1::SEN_SETTING_EHE},
                                        {"eyp", v1::SEN_SETTING_EYP},
                                        {"oth", v1::SEN_SETTING_OTH},
                                        {"neet", v1::SEN_SETTING_NEET},
                                        {"niec", v1::SEN_SETTING_NIEC},
                                        {"nieo", v1::SEN_SETTING_NIEO}},
                                       prefix + "setting", code));
  }
  s.set_rank(rank);
  if (prefix.empty()) {
    s.set_setting_other(a.Get("setting-other"));
    s.set_sen_unit(a.Has("sen-unit"));
    s.set_resourced_provision(a.Has("resourced-provision"));
  }
  if (s.urn().empty() && s.ukprn().empty() &&
      s.setting() == v1::SEN_SETTING_UNSPECIFIED) {
    return std::nullopt;
  }
  return s;
}

inline v1::Residential ResidentialFlag(const Args& a) {
  const std::string v = a.Get("residential");
  if (v.empty()) return v1::RESIDENTIAL_UNSPECIFIED;
  return Pick<v1::Residential>(
      {{"a", v1::RESIDENTIAL_A}, {"b", v1::RESIDENTIAL_B}}, "residential", v);
}
inline v1::WorkBasedPattern WorkBasedFlag(const Args& a) {
  const std::string v = a.Get("work-based");
  if (v.empty()) return v1::WORK_BASED_PATTERN_UNSPECIFIED;
  return Pick<v1::WorkBasedPattern>({{"a", v1::WORK_BASED_PATTERN_A},
                                     {"t", v1::WORK_BASED_PATTERN_T},
                                     {"s", v1::WORK_BASED_PATTERN_S}},
                                    "work-based", v);
}

// What a plan names, from the flags of ContentsSpec (spec.cc): the main
// setting (rank 1), a second one (--second-*), --needs asd,slcn (primary
// first), --residential, --work-based and the personal budget.
// --met a,b --partly-met c --not-met d --not-applicable e: an audit's
// findings (criteria of the LA's QA framework).
template <typename Request>
void AddFindings(const Args& a, Request* r) {
  const std::pair<const char*, v1::CriterionResult> flags[] = {
      {"met", v1::CRITERION_RESULT_MET},
      {"partly-met", v1::CRITERION_RESULT_PARTLY_MET},
      {"not-met", v1::CRITERION_RESULT_NOT_MET},
      {"not-applicable", v1::CRITERION_RESULT_NOT_APPLICABLE}};
  for (const auto& [flag, result] : flags) {
    for (absl::string_view id :
         absl::StrSplit(a.Get(flag), ',', absl::SkipWhitespace())) {
      v1::CriterionFinding* f = r->add_findings();
      f->set_criterion(std::string(absl::StripAsciiWhitespace(id)));
      f->set_result(result);
    }
  }
}

// --kind and --grade of an audit.
template <typename Request>
void AuditFlags(const Args& a, Request* r) {
  r->set_kind(
      Pick<v1::AuditKind>({{"full", v1::AUDIT_KIND_FULL},
                           {"dip-sample", v1::AUDIT_KIND_DIP_SAMPLE},
                           {"themed", v1::AUDIT_KIND_THEMED},
                           {"multi-agency", v1::AUDIT_KIND_MULTI_AGENCY}},
                          "kind", Require(a, "kind")));
  if (a.Has("grade")) {
    r->set_grade(Pick<v1::AuditGrade>(
        {{"outstanding", v1::AUDIT_GRADE_OUTSTANDING},
         {"good", v1::AUDIT_GRADE_GOOD},
         {"requires-improvement", v1::AUDIT_GRADE_REQUIRES_IMPROVEMENT},
         {"inadequate", v1::AUDIT_GRADE_INADEQUATE}},
        "grade", a.Get("grade")));
  }
  r->set_audit_id(a.Get("id"));
  r->set_auditor_id(a.Get("auditor"));
  *r->mutable_audited_on() = DateFlag(a, "on", false);
  AddFindings(a, r);
}

inline v1::PlanContents ContentsFlags(const Args& a) {
  v1::PlanContents c;
  if (auto s = SettingFlags(a, "", 1)) *c.add_settings() = *s;
  if (auto s = SettingFlags(a, "second-", 2)) *c.add_settings() = *s;
  int rank = 0;
  for (absl::string_view need :
       absl::StrSplit(a.Get("needs"), ',', absl::SkipEmpty())) {
    const std::string upper =
        absl::AsciiStrToUpper(absl::StripAsciiWhitespace(need));
    v1::SenType type;
    if (!v1::SenType_Parse("SEN_TYPE_" + upper, &type) ||
        type == v1::SEN_TYPE_UNSPECIFIED) {
      Die(absl::StrCat("--needs: '", need,
                       "' is not a SEN2 type of need (spld, mld, sld, pmld, "
                       "semh, slcn, hi, vi, msi, pd, asd, ds, oth)"));
    }
    v1::SenNeed* n = c.add_needs();
    n->set_type(type);
    n->set_rank(++rank);
  }
  c.set_residential(ResidentialFlag(a));
  c.set_work_based(WorkBasedFlag(a));
  c.set_personal_budget(a.Has("personal-budget"));
  c.set_organised_arrangements(a.Has("organised-arrangements"));
  const std::string dp = a.Get("direct-payments");
  if (!dp.empty()) {
    c.set_direct_payments(
        Pick<v1::DirectPayments>({{"e", v1::DIRECT_PAYMENTS_E},
                                  {"s", v1::DIRECT_PAYMENTS_S},
                                  {"h", v1::DIRECT_PAYMENTS_H},
                                  {"i", v1::DIRECT_PAYMENTS_I}},
                                 "direct-payments", dp));
  }
  // --outcomes ID:AREA:YYYY-MM-DD,...
  for (absl::string_view item :
       absl::StrSplit(a.Get("outcomes"), ',', absl::SkipWhitespace())) {
    std::vector<std::string> parts = absl::StrSplit(item, ':');
    if (parts.size() != 3) {
      Die(absl::StrCat("--outcomes: '", item,
                       "' is not ID:AREA:YYYY-MM-DD (e.g. "
                       "E1:education:2027-07-31)"));
    }
    v1::PlanOutcome* o = c.add_outcomes();
    o->set_outcome_id(std::string(absl::StripAsciiWhitespace(parts[0])));
    o->set_area(Pick<v1::OutcomeArea>(
        {{"education", v1::OUTCOME_AREA_EDUCATION},
         {"health", v1::OUTCOME_AREA_HEALTH},
         {"social-care", v1::OUTCOME_AREA_SOCIAL_CARE},
         {"pfa-employment", v1::OUTCOME_AREA_PFA_EMPLOYMENT},
         {"pfa-independent-living", v1::OUTCOME_AREA_PFA_INDEPENDENT_LIVING},
         {"pfa-community", v1::OUTCOME_AREA_PFA_COMMUNITY},
         {"pfa-health", v1::OUTCOME_AREA_PFA_GOOD_HEALTH}},
        "outcomes", parts[1]));
    absl::StatusOr<Date> target = Date::Parse(parts[2]);
    if (!target.ok()) {
      Die(absl::StrCat("--outcomes: '", parts[2],
                       "' is not a date (YYYY-MM-DD)"));
    }
    *o->mutable_target_date() = ToProto(*target);
  }
  return c;
}

// Appends `m` as JSON (see Client::PrintJson), indented by `depth`.
void AppendJson(const google::protobuf::Message& m, int depth,
                std::string* out);

class Client {
 public:
  explicit Client(const Args& a) : args_(a) {}

  void Context(grpc::ClientContext* ctx) const {
    const std::string token = Token();
    if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(30));
  }

  std::string Token() const {
    return args_.Get("token", Env("CASEWORK_TOKEN", ""));
  }

  // Plaintext unless a CA is given (then TLS, and mTLS with a client
  // certificate).
  // Answers up to 256 MiB (a large LA's SEN2 return with its CSVs is tens of
  // MB; gRPC's default is 4 MiB).
  std::shared_ptr<grpc::Channel> Channel(const std::string& address) const {
    const std::string ca = args_.Get("tls-ca", Env("CASEWORK_TLS_CA", ""));
    grpc::ChannelArguments channel_args;
    channel_args.SetMaxReceiveMessageSize(256 << 20);
    if (ca.empty()) {
      return grpc::CreateCustomChannel(
          address, grpc::InsecureChannelCredentials(), channel_args);
    }
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadOrDie(ca, "--tls-ca");
    const std::string cert =
        args_.Get("tls-cert", Env("CASEWORK_TLS_CERT", ""));
    const std::string key = args_.Get("tls-key", Env("CASEWORK_TLS_KEY", ""));
    if (!cert.empty() || !key.empty()) {
      if (cert.empty() || key.empty())
        Die("--tls-cert and --tls-key go together");
      ssl.pem_cert_chain = ReadOrDie(cert, "--tls-cert");
      ssl.pem_private_key = ReadOrDie(key, "--tls-key");
    }
    return grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl),
                                     channel_args);
  }

  int Check(const grpc::Status& s) const {
    if (s.ok()) return 0;
    static const char* kNames[] = {"OK",
                                   "CANCELLED",
                                   "UNKNOWN",
                                   "INVALID_ARGUMENT",
                                   "DEADLINE_EXCEEDED",
                                   "NOT_FOUND",
                                   "ALREADY_EXISTS",
                                   "PERMISSION_DENIED",
                                   "RESOURCE_EXHAUSTED",
                                   "FAILED_PRECONDITION",
                                   "ABORTED",
                                   "OUT_OF_RANGE",
                                   "UNIMPLEMENTED",
                                   "INTERNAL",
                                   "UNAVAILABLE",
                                   "DATA_LOSS",
                                   "UNAUTHENTICATED"};
    int code = static_cast<int>(s.error_code());
    std::fprintf(stderr, "casectl: %s: %s\n",
                 code >= 0 && code <= 16 ? kNames[code] : "ERROR",
                 s.error_message().c_str());
    if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED &&
        Token().empty()) {
      std::fprintf(stderr,
                   "casectl: no token given: set CASEWORK_TOKEN or --token "
                   "(with casework-dev: source var/tokens.env)\n");
    }
    // The service refused what was asked (a value no flag check could know,
    // e.g. an unknown measure): a usage error, like the parser's.
    return s.error_code() == grpc::StatusCode::INVALID_ARGUMENT ? 2 : 1;
  }

  // The message as JSON (the proto field names; enums by name; 64-bit
  // integers as numbers, not the strings of the proto3 JSON mapping, since
  // every count here is far below 2^53).
  void PrintJson(const google::protobuf::Message& m) const {
    std::string out;
    AppendJson(m, 0, &out);
    std::printf("%s\n", out.c_str());
  }

  // A JSON object of name -> number or text, for the commands whose answer
  // is not a message (health, the imports).
  void PrintJsonObject(
      const std::vector<std::pair<std::string, std::string>>& numbers,
      const std::vector<std::pair<std::string, std::string>>& texts) const {
    std::string out = "{";
    for (const auto& [k, v] : numbers) {
      absl::StrAppend(&out, out.size() > 1 ? ", " : "", JsonQuote(k), ": ", v);
    }
    for (const auto& [k, v] : texts) {
      absl::StrAppend(&out, out.size() > 1 ? ", " : "", JsonQuote(k), ": ",
                      JsonQuote(v));
    }
    std::printf("%s}\n", out.c_str());
  }

  bool json() const { return args_.Has("json"); }

  // A command's answer: the error, or the stream, version and log position
  // (JSON with --json); the exit code.
  int PrintCommandResult(const std::string& verb, const grpc::Status& s,
                         const v1::CommandResult& result) const {
    if (!s.ok()) return Check(s);
    if (json()) {
      PrintJson(result);
      return 0;
    }
    std::printf("%s %s: version %lld, log position %lld%s\n", verb.c_str(),
                result.stream_id().c_str(),
                static_cast<long long>(result.version()),
                static_cast<long long>(result.position()),
                result.repeated() ? " (repeat: nothing new written)" : "");
    return 0;
  }

 private:
  const Args& args_;
};

// Commands in other files.
int RunEhc(const Args& a, Client& client);
// team-scorecard, la-scorecard, exceptions, trend (managers' views).
int RunManager(const Args& a, Client& client, const std::string& command);
// timeline, worklist, scorecard.
int RunProjection(const Args& a, Client& client, const std::string& command);
int RunAdmin(const Args& a, Client& client);
int RunHealth(const Args& a, Client& client);
int RunAudit(const Args& a, Client& client);
int RunReview(const Args& a, Client& client);
int RunPlansImport(const Args& a, Client& client);
int RunTransport(const Args& a, Client& client);
int RunComplaint(const Args& a, Client& client);
int RunDirectoryImport(const Args& a, Client& client);
int RunPeopleImport(const Args& a, Client& client);
int RunSchoolsImport(const Args& a, Client& client);
int RunSen2(const Args& a, Client& client);
int RunEventsTail(const Args& a, Client& client);
int RunDisagreement(const Args& a, Client& client);
// casectl feedback record|survey|answer|show (families' experience).
int RunFeedback(const Args& a, Client& client);

// The filters every `... list` command takes: --child, --officer,
// --page-size N, --page-token T.
template <typename Request>
void ListFilters(const Args& a, Request* r) {
  r->set_child_id(a.Get("child"));
  r->set_officer_id(a.Get("officer"));
  int page_size = 0;
  if (a.Has("page-size") && !absl::SimpleAtoi(a.Get("page-size"), &page_size)) {
    Die("--page-size: not a whole number");
  }
  r->set_page_size(page_size);
  r->set_page_token(a.Get("page-token"));
}

}  // namespace casework::cli

#endif  // CASEWORK_TOOLS_CASECTL_CLI_H_
