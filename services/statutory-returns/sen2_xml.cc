#include "services/statutory-returns/sen2_xml.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace casework::returns {
namespace {

// Keys whose spelling differs from the key: none by default. SEN2.md section
// 8 lists the spellings to confirm (SENsetting / SENSetting, SENSettingOther /
// SENsettingOther, Res / RES): change them here.
const std::map<std::string, std::string>& Overrides() {
  static const auto* m = new std::map<std::string, std::string>{};
  return *m;
}

// One element of the message: a value, or a group of elements.
struct Node {
  std::string key;
  std::string text;
  bool group = false;
  std::vector<Node> kids;

  Node& Add(std::string k, std::string v) {
    kids.push_back(Node{std::move(k), std::move(v)});
    return *this;
  }
  Node& Group(std::string k) {
    kids.push_back(Node{std::move(k), "", true});
    return kids.back();
  }
};

std::string Dt(const Date& d) { return d.ToString(); }
std::string Dt(const std::optional<Date>& d) {
  return d ? d->ToString() : std::string();
}
std::string Yn(bool b) { return b ? "1" : "0"; }
std::string Yn(const std::optional<bool>& b) {
  return b ? Yn(*b) : std::string();
}

// The columns of each group, in element order (the Blade CSVs have them all,
// empty where no value).
const std::vector<std::string>& Columns(const std::string& group) {
  static const auto* m = new std::map<std::string, std::vector<std::string>>{
      {"Person",
       {"Surname", "Forename", "PersonBirthDate", "Sex", "Ethnicity",
        "PostCode", "UPN", "UniqueLearnerNumber", "UPNunknown"}},
      {"Requests",
       {"ReceivedDate", "RequestSource", "RYA", "RequestOutcomeDate",
        "RequestOutcome", "RequestMediation", "RequestTribunal", "Exported"}},
      {"Assessment",
       {"AssessmentOutcome", "AssessmentOutcomeDate", "AssessmentMediation",
        "AssessmentTribunal", "OtherMediation", "OtherTribunal", "Week20"}},
      {"NamedPlan",
       {"StartDate", "PlanRes", "PlanWBP", "PB", "OA", "DP", "CeaseDate",
        "CeaseReason"}},
      {"PlanDetail",
       {"URN", "UKPRN", "SENsetting", "SENSettingOther", "PlacementRank",
        "SENunitIndicator", "ResourcedProvisionIndicator"}},
      {"ActivePlans",
       {"TransferLA", "ReviewMeeting", "ReviewOutcome", "ReviewDraft",
        "PhaseTransferDueDate", "PhaseTransferFinalDate", "LastReview"}},
      {"PlacementDetail",
       {"URN", "UKPRN", "SENsetting", "SENSettingOther", "PlacementRank",
        "EntryDate", "LeavingDate", "SENunitIndicator",
        "ResourcedProvisionIndicator", "Res", "WBP"}},
      {"SENneed", {"SENtype", "SENtypeRank"}},
  };
  static const std::vector<std::string> kNone;
  auto it = m->find(group);
  return it == m->end() ? kNone : it->second;
}

void AddSetting(Node& n, const Sen2Setting& s) {
  n.Add("URN", s.urn)
      .Add("UKPRN", s.ukprn)
      .Add("SENsetting", s.setting)
      .Add("SENSettingOther", s.setting_other)
      .Add("PlacementRank", absl::StrCat(s.rank));
}

Node PersonNode(const Sen2Person& p) {
  Node n{"Person", "", true};
  n.Add("Surname", p.surname)
      .Add("Forename", p.forename)
      .Add("PersonBirthDate", Dt(p.birth))
      .Add("Sex", p.sex)
      .Add("Ethnicity", p.ethnicity)
      .Add("PostCode", p.postcode)
      .Add("UPN", p.upn)
      .Add("UniqueLearnerNumber", p.uln)
      .Add("UPNunknown", p.upn_unknown);
  for (const Sen2Request& r : p.requests) {
    Node& q = n.Group("Requests");
    q.Add("ReceivedDate", Dt(r.received))
        .Add("RequestSource", r.source)
        .Add("RYA", Yn(r.rya))
        .Add("RequestOutcomeDate", Dt(r.outcome_date))
        .Add("RequestOutcome", r.outcome)
        .Add("RequestMediation", Yn(r.mediation))
        .Add("RequestTribunal", Yn(r.tribunal))
        .Add("Exported", r.exported);
    if (r.assessment) {
      const Sen2Assessment& a = *r.assessment;
      Node& s = q.Group("Assessment");
      s.Add("AssessmentOutcome", a.outcome)
          .Add("AssessmentOutcomeDate", Dt(a.outcome_date))
          .Add("AssessmentMediation", Yn(a.mediation))
          .Add("AssessmentTribunal", Yn(a.tribunal))
          .Add("OtherMediation", Yn(a.other_mediation))
          .Add("OtherTribunal", Yn(a.other_tribunal))
          .Add("Week20", Yn(a.week20));
      if (a.plan) {
        const Sen2NamedPlan& np = *a.plan;
        Node& plan = s.Group("NamedPlan");
        plan.Add("StartDate", Dt(np.start));
        for (const Sen2Setting& d : np.details) {
          Node& detail = plan.Group("PlanDetail");
          AddSetting(detail, d);
          detail.Add("SENunitIndicator", Yn(d.sen_unit))
              .Add("ResourcedProvisionIndicator", Yn(d.resourced));
        }
        plan.Add("PlanRes", np.res)
            .Add("PlanWBP", np.wbp)
            .Add("PB", Yn(np.pb))
            .Add("OA", Yn(np.oa))
            .Add("DP", np.dp)
            .Add("CeaseDate", Dt(np.cease_date))
            .Add("CeaseReason",
                 np.cease_reason == 0 ? "" : absl::StrCat(np.cease_reason));
      }
    }
    if (r.active) {
      const Sen2ActivePlan& a = *r.active;
      Node& act = q.Group("ActivePlans");
      act.Add("TransferLA", a.transfer_la);
      for (const Sen2Placement& pl : a.placements) {
        Node& d = act.Group("PlacementDetail");
        AddSetting(d, pl.where);
        d.Add("EntryDate", Dt(pl.entry))
            .Add("LeavingDate", Dt(pl.leaving))
            .Add("SENunitIndicator", Yn(pl.where.sen_unit))
            .Add("ResourcedProvisionIndicator", Yn(pl.where.resourced))
            .Add("Res", pl.res)
            .Add("WBP", pl.wbp);
      }
      for (const Sen2Need& need : a.needs) {
        act.Group("SENneed")
            .Add("SENtype", need.type)
            .Add("SENtypeRank", absl::StrCat(need.rank));
      }
      act.Add("ReviewMeeting", Dt(a.review_meeting))
          .Add("ReviewOutcome", a.review_outcome)
          .Add("ReviewDraft", Dt(a.review_draft))
          .Add("PhaseTransferDueDate", Dt(a.phase_due))
          .Add("PhaseTransferFinalDate", Dt(a.phase_final))
          .Add("LastReview", Dt(a.last_review));
    }
  }
  return n;
}

std::string Escape(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Elements that are always written (required by the message), even empty.
bool Required(const std::string& key) {
  static const auto* keys = new std::map<std::string, bool>{
      {"Surname", true},          {"Forename", true},
      {"PersonBirthDate", true},  {"Sex", true},
      {"Ethnicity", true},        {"PostCode", true},
      {"RequestOutcome", true},   {"AssessmentOutcome", true},
      {"StartDate", true},        {"PlacementRank", true},
      {"SENunitIndicator", true}, {"ResourcedProvisionIndicator", true},
      {"EntryDate", true},        {"SENtype", true},
      {"SENtypeRank", true}};
  return keys->contains(key);
}

void Write(const Node& n, int depth, std::string* out) {
  const std::string pad(static_cast<size_t>(depth) * 2, ' ');
  const std::string& tag = Sen2Tag(n.key);
  if (n.group) {
    absl::StrAppend(out, pad, "<", tag, ">\n");
    for (const Node& k : n.kids) Write(k, depth + 1, out);
    absl::StrAppend(out, pad, "</", tag, ">\n");
    return;
  }
  if (n.text.empty() && !Required(n.key)) return;
  absl::StrAppend(out, pad, "<", tag, ">", Escape(n.text), "</", tag, ">\n");
}

std::string CsvCell(absl::string_view s) {
  if (s.find_first_of(",\"\n\r") == absl::string_view::npos) {
    return std::string(s);
  }
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string Lower(const std::string& s) { return absl::AsciiStrToLower(s); }

class CsvTables {
 public:
  CsvTables() {
    for (const char* g : kGroups) {
      std::vector<std::string> header = {Lower(g) + "_table_id"};
      if (Parent(g) != nullptr)
        header.push_back(Lower(Parent(g)) + "_table_id");
      for (const std::string& c : Columns(g))
        header.push_back(Lower(Sen2Tag(c)));
      rows_[g].push_back(absl::StrJoin(header, ","));
    }
  }
  // Adds `n` (a group) and its descendants; returns its table id.
  void Add(const Node& n, int parent_id) {
    const int id = ++ids_[n.key];
    std::map<std::string, std::string> values;
    for (const Node& k : n.kids) {
      if (!k.group) values[k.key] = k.text;
    }
    std::vector<std::string> cells = {absl::StrCat(id)};
    if (parent_id > 0) cells.push_back(absl::StrCat(parent_id));
    for (const std::string& c : Columns(n.key))
      cells.push_back(CsvCell(values[c]));
    rows_[n.key].push_back(absl::StrJoin(cells, ","));
    for (const Node& k : n.kids) {
      if (k.group) Add(k, id);
    }
  }
  std::vector<std::pair<std::string, std::string>> Files(
      const Sen2Header& h) const {
    std::vector<std::pair<std::string, std::string>> out;
    out.emplace_back(
        "sen2.csv",
        absl::StrCat("collection,year,referencedate,sourcelevel,lea,"
                     "softwarecode,release,serialno,datetime,dmo,dco,dsco\n",
                     "SEN2,", h.period.year, ",", h.period.census.ToString(),
                     ",L,", h.lea, ",", CsvCell(h.software_code), ",",
                     CsvCell(h.release), ",", h.serial_no, ",", h.date_time,
                     ",", h.dmo, ",", h.dco, ",", h.dsco, "\n"));
    for (const char* g : kGroups) {
      out.emplace_back(Lower(g) + ".csv",
                       absl::StrJoin(rows_.at(g), "\n") + "\n");
    }
    return out;
  }

 private:
  static constexpr const char* kGroups[] = {
      "Person",     "Requests",    "Assessment",      "NamedPlan",
      "PlanDetail", "ActivePlans", "PlacementDetail", "SENneed"};
  static const char* Parent(absl::string_view g) {
    if (g == "Requests") return "Person";
    if (g == "Assessment" || g == "ActivePlans") return "Requests";
    if (g == "NamedPlan") return "Assessment";
    if (g == "PlanDetail") return "NamedPlan";
    if (g == "PlacementDetail" || g == "SENneed") return "ActivePlans";
    return nullptr;
  }
  std::map<std::string, std::vector<std::string>> rows_;
  std::map<std::string, int> ids_;
};

}  // namespace

const std::string& Sen2Tag(const std::string& key) {
  auto it = Overrides().find(key);
  return it == Overrides().end() ? key : it->second;
}

std::string WriteSen2Xml(const Sen2Header& h,
                         const std::vector<Sen2Person>& persons) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n";
  absl::StrAppend(&out, "  <Header>\n    <CollectionDetails>\n",
                  "      <Collection>SEN2</Collection>\n", "      <Year>",
                  h.period.year, "</Year>\n", "      <ReferenceDate>",
                  h.period.census.ToString(), "</ReferenceDate>\n",
                  "    </CollectionDetails>\n    <Source>\n",
                  "      <SourceLevel>L</SourceLevel>\n", "      <LEA>",
                  Escape(h.lea), "</LEA>\n");
  if (!h.software_code.empty()) {
    absl::StrAppend(&out, "      <SoftwareCode>", Escape(h.software_code),
                    "</SoftwareCode>\n");
  }
  if (!h.release.empty()) {
    absl::StrAppend(&out, "      <Release>", Escape(h.release), "</Release>\n");
  }
  absl::StrAppend(&out, "      <SerialNo>", Escape(h.serial_no),
                  "</SerialNo>\n");
  if (!h.date_time.empty()) {
    absl::StrAppend(&out, "      <DateTime>", Escape(h.date_time),
                    "</DateTime>\n");
  }
  absl::StrAppend(&out, "      <DMO>", h.dmo, "</DMO>\n      <DCO>", h.dco,
                  "</DCO>\n      <DSCO>", h.dsco, "</DSCO>\n",
                  "    </Source>\n  </Header>\n  <Persons>\n");
  for (const Sen2Person& p : persons) Write(PersonNode(p), 2, &out);
  out += "  </Persons>\n</Message>\n";
  return out;
}

std::vector<std::pair<std::string, std::string>> WriteSen2Csvs(
    const Sen2Header& header, const std::vector<Sen2Person>& persons) {
  CsvTables tables;
  for (const Sen2Person& p : persons) tables.Add(PersonNode(p), 0);
  return tables.Files(header);
}

}  // namespace casework::returns
