// casectl: the command-line client for officers, managers and admins.
//
//   casectl [--ehc HOST:PORT] [--projection HOST:PORT] [--json]
//           [--token JWT] [--tls-ca FILE [--tls-cert FILE --tls-key FILE]]
//           COMMAND ...
//
// Commands (dates are YYYY-MM-DD):
//   ehc request --child C --officer O --received D
//       [--source parent|young-person|school|other]
//       [--kind first|reassessment] [--id ASSESSMENT]
//   ehc decide-assess ID --on D
//   ehc decide-not-assess ID --on D
//   ehc request-advice ID --type ep|health|social-care|setting|pfa|other
//       --on D [--adviser NAME] [--advice-id X]
//   ehc advice-received ID --advice-id X --on D
//   ehc exception ID --from D [--to D] [--advice-id X] [--note TEXT]
//       --kind closure|early-years-closure|personal|absence|
//              missed-appointment
//   ehc draft ID --on D
//   ehc no-plan ID --on D
//   ehc final ID --on D [--representations-complete]
//   ehc withdraw ID --on D
//   ehc moved-out ID --on D
//   ehc reassign ID --officer O [--on D]
//   ehc show ID
//   ehc list (--child C | --officer O) [--page-size N] [--page-token T]
//   timeline CHILD
//   worklist OFFICER [--as-of D]
//   scorecard OFFICER [--from D] [--to D] [--as-of D]  (default: 12 months)
//   review register --child C --officer O --issued D [--last-decision D]
//       [--dob D] [--nc-year N] [--transfer-in] [--id PLAN]
//   review schedule PLAN --on D           review papers PLAN --on D
//   review held PLAN --on D [--pfa]
//   review decision PLAN --decision maintain|amend|cease --on D
//   review amended PLAN --on D [--representations-complete]
//   review not-amend PLAN --on D          review propose-cease PLAN --on D
//   review early-review PLAN --decision hold|not-needed [--on D]
//   review cease PLAN --on D --reason max-age|needs-met|higher-education|
//       employment|transferred|no-engagement|left-england|deceased|other
//   review phase-transfer PLAN --kind school|post16|post16-move --move D
//       [--on D]
//   review reassign PLAN --officer O [--on D]
//   review show PLAN    review list (--child C | --officer O)
//   plans import FILE.csv   (columns: plan_id, child_id, officer_id,
//       issued_on, last_decision_on, date_of_birth, nc_year, origin)
//   transport apply --child C --officer O --received D --dob D
//       --academic-year YYYY [--walking-miles N] [--road-miles N] [--school S]
//       [--nearest] [--three-nearest] [--religion-or-belief] [--sen]
//       [--unsafe-route] [--low-income] [--post16] [--needed-from D] [--id A]
//   transport assess (the same facts; records nothing)
//   transport decide A --decision eligible|discretionary|post16|refused
//       --on D [--reason TEXT]
//   transport arrange A --type taxi|minibus|bus-pass|ptb|mileage|itt
//       --starts D [--on D]     transport change A --type T --starts D
//   transport end A --on D   transport itt-started|itt-completed A --on D
//   transport review A --on D   transport review-decision A --outcome
//       upheld|changed --on D   transport appeal A --on D
//   transport panel A --outcome upheld|changed --on D
//   transport written-outcome A --on D   transport reassign A --officer O
//   transport show A   transport list (--child C | --officer O)
//   complaint log --child C --officer O --subject S --received D
//       [--procedure corporate|social-care] [--complainant C] [--id X]
//   complaint ack X --on D   complaint extend X --working-days N --reason T
//   complaint respond X --finding upheld|partly|not-upheld --on D
//       [--handler H] [--remedy]   complaint escalate X --on D --handler H
//   complaint ombudsman X --on D   complaint ombudsman-decision X
//       --finding fault|fault-remedy|no-fault|not-investigated --on D
//   complaint withdraw|close X --on D   complaint show X
//   disagreement record --child C --officer O --decision refusal-to-assess|
//       refusal-to-issue|plan-contents|review-decision|ceasing --letter D
//   disagreement mediation-contact X --on D [--declined]
//   disagreement mediation-held X --outcome agreed|partly|not-agreed --on D
//   disagreement certificate|appeal X --on D
//   disagreement tribunal-decision X --outcome allowed|partly|dismissed|
//       conceded|withdrawn --on D
//   disagreement order X --kind assess|make-plan|amend-plan|named-school
//       --on D [--order-id O]
//   disagreement comply X --order-id O [--step done|draft|final] --on D
//   disagreement show X
//   team-scorecard TEAM [--sort-by MEASURE] [--desc] [--from D] [--to D]
//   la-scorecard [--sort-by MEASURE] [--desc] [--from D] [--to D]
//   exceptions (--officer O | --team T | --la) --measure M [--from D] [--to D]
//   trend (--officer O | --team T | --la) --measure M [--months N] [--to D]
//   directory import FILE.csv [--brokers HOST:PORT]   (columns: kind, id,
//       name, team_id, role, active, manager_id; CASEWORK_BROKERS)
//   admin republish --service ehc|reviews|transport|complaints [--from N]
//   admin status [--consumer projection|reviews]   admin parked [--page-size N]
//   admin retry STREAM [--source SERVICE]   admin resume [--consumer C]
//   health HOST:PORT   (grpc.health.v1; exit 0 when SERVING)
//   events tail TOPIC [--count N] [--follow]   (JSON lines; CASEWORK_BROKERS)
//   audit [--service ehc|reviews|transport|complaints|projection] [--child C]
//   [--actor SUBJECT]
//       [--page-size N] [--page-token T]                (admins)
//
// Environment: CASEWORK_EHC_ADDR, CASEWORK_REVIEWS_ADDR,
// CASEWORK_TRANSPORT_ADDR, CASEWORK_PROJECTION_ADDR, CASEWORK_TOKEN (the bearer
// token; casework-dev writes var/tokens.env), CASEWORK_TLS_CA,
// CASEWORK_TLS_CERT, CASEWORK_TLS_KEY. Server errors are printed plainly with
// their gRPC code; the exit status is non-zero.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "casework/v1/admin.grpc.pb.h"
#include "casework/v1/audit.grpc.pb.h"
#include "casework/v1/ehc_assessment.grpc.pb.h"
#include "casework/v1/projection.grpc.pb.h"
#include "libs/core/clock.h"
#include "libs/core/grpc_status.h"
#include "libs/host/catalogue.h"
#include "libs/rpc/proto_date.h"
#include "libs/rpc/raw_call.h"
#include "tools/casectl/cli.h"
#include "tools/casectl/parse.h"

using namespace casework;
using namespace casework::cli;

std::string casework::cli::ServiceAddress(const Args& a,
                                          const std::string& service) {
  // The service catalogue (libs/host/catalogue.h): --ehc, $CASEWORK_EHC_ADDR,
  // 127.0.0.1:7101, and so on.
  const ServiceEntry* e = FindService(service);
  if (e == nullptr) {
    std::string names;
    for (const ServiceEntry& row : Catalogue()) {
      absl::StrAppend(&names, names.empty() ? "" : ", ", row.cli_name);
    }
    Die(absl::StrCat("--service: '", service, "' is not one of ", names));
  }
  return a.Get(e->cli_name, Env(e->address_env.c_str(), e->default_address()));
}

int Dispatch(const Args& a) {
  Client client(a);
  const std::string& command = a.positional[0];
  if (command == "ehc") return RunEhc(a, client);
  if (command == "audit") return RunAudit(a, client);
  if (command == "admin") return RunAdmin(a, client);
  if (command == "health") return RunHealth(a, client);
  if (command == "review") return RunReview(a, client);
  if (command == "transport") return RunTransport(a, client);
  if (command == "complaint") return RunComplaint(a, client);
  if (command == "disagreement") return RunDisagreement(a, client);
  if (command == "feedback") return RunFeedback(a, client);
  if (command == "events" && a.positional.size() > 1 &&
      a.positional[1] == "tail") {
    return RunEventsTail(a, client);
  }
  if (command == "directory" && a.positional.size() > 1 &&
      a.positional[1] == "import") {
    return RunDirectoryImport(a, client);
  }
  if (command == "plans" && a.positional.size() > 1 &&
      a.positional[1] == "import") {
    return RunPlansImport(a, client);
  }
  if (command == "people" && a.positional.size() > 1 &&
      a.positional[1] == "import") {
    return RunPeopleImport(a, client);
  }
  if (command == "schools" && a.positional.size() > 1 &&
      a.positional[1] == "import") {
    return RunSchoolsImport(a, client);
  }
  if (command == "sen2") return RunSen2(a, client);
  if (command == "team-scorecard" || command == "la-scorecard" ||
      command == "exceptions" || command == "trend" || command == "at-risk" ||
      command == "forecast-backtest") {
    return RunManager(a, client, command);
  }
  if (command == "timeline" || command == "worklist" ||
      command == "scorecard") {
    return RunProjection(a, client, command);
  }
  Die(absl::StrCat("unknown command '", command, "' (see casectl --help)"));
}

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--spec-json") {
    PrintSpecJson();  // the declared commands, for the flag tests
    return 0;
  }
  ParseResult parsed = ParseCommandLine(argc, argv);
  if (parsed.exit_code >= 0) return parsed.exit_code;
  const Args& a = parsed.args;
  const int code = Dispatch(a);
  // For tests: a declared flag the command never reads is a bug (the user's
  // value would be ignored silently).
  const char* check = std::getenv("CASECTL_CHECK_FLAGS_USED");
  if (check != nullptr && std::string(check) == "1") {
    for (const auto& [name, value] : a.flags) {
      if (a.command_flags.contains(name) && !a.read.contains(name)) {
        std::fprintf(stderr,
                     "casectl: internal error: --%s was given but this "
                     "command never used it\n",
                     name.c_str());
        return 70;
      }
    }
  }
  return code;
}
