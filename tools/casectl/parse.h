// The command line of casectl, parsed by CLI11 against the declared commands
// (spec.h): unknown flags, missing values, values of the wrong kind and
// choices that do not exist are refused with exit code 2 naming the flag;
// `--help` (or -h) at any level lists that command's own flags; `--version`.
#ifndef CASEWORK_TOOLS_CASECTL_PARSE_H_
#define CASEWORK_TOOLS_CASECTL_PARSE_H_

#include "tools/casectl/cli.h"

namespace casework::cli {

inline constexpr char kVersion[] = "casectl 0.1.0 (casework)";

struct ParseResult {
  Args args;
  // -1: run the command; otherwise stop with this exit code (0 after --help
  // or --version, 2 after a usage error, already printed).
  int exit_code = -1;
};

ParseResult ParseCommandLine(int argc, char** argv);

// The declared commands as JSON lines, one per command: {"path", "positionals",
// "flags": [{"name", "kind", "required", "choices", "one_of"}]}, for tests.
void PrintSpecJson();

}  // namespace casework::cli

#endif  // CASEWORK_TOOLS_CASECTL_PARSE_H_
