// casectl's command line, declared once: every command and subcommand, its
// positional arguments and its flags (kind, required, choices). The parser
// (CLI11) is built from this table, so an unknown flag, a missing value, a
// value of the wrong kind or a choice that does not exist is refused with
// exit code 2 naming the flag; every command has its own --help. The tests
// walk the same table (tests/tools/casectl_flags_test.py), so a new flag
// cannot escape them.
#ifndef CASEWORK_TOOLS_CASECTL_SPEC_H_
#define CASEWORK_TOOLS_CASECTL_SPEC_H_

#include <string>
#include <vector>

namespace casework::cli {

struct CommandSpec {
  const char* path;         // "ehc request"
  const char* positionals;  // "ID", "CHILD", "FILE", ... space-separated
  // Space-separated flags: name (text), name@ (date YYYY-MM-DD), name# (whole
  // number), name% (decimal number), name? (on/off), name=a|b|c (one of the
  // choices); a trailing ! makes it required. "a|b" alone: exactly one of
  // the text flags --a and --b.
  const char* flags;
  const char* help;
};

// Every command, in the order of `casectl --help`.
const std::vector<CommandSpec>& Commands();

// Options every command takes (service addresses, token, TLS, --json,
// --request-id), with their help.
struct GlobalOption {
  const char* name;
  bool boolean;
  const char* help;
};
const std::vector<GlobalOption>& GlobalOptions();

}  // namespace casework::cli

#endif  // CASEWORK_TOOLS_CASECTL_SPEC_H_
