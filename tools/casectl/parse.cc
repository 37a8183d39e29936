#include "tools/casectl/parse.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/core/date.h"
#include "tools/casectl/spec.h"

namespace casework::cli {
namespace {

struct FlagSpec {
  std::string name;
  char kind = 't';  // t text, d date, i integer, n decimal, b on/off, e enum
  bool required = false;
  std::vector<std::string> choices;
  // The other flags of an exactly-one-of group ("officer|team|la?").
  std::vector<std::string> one_of;
};

std::vector<FlagSpec> ParseFlags(const char* text) {
  std::vector<FlagSpec> out;
  for (absl::string_view token : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    FlagSpec f;
    std::string t(token);
    if (t.find('|') != std::string::npos && t.find('=') == std::string::npos) {
      std::vector<std::string> group = absl::StrSplit(t, '|');
      std::vector<FlagSpec> members;
      for (std::string& m : group) {
        FlagSpec g;
        if (!m.empty() && m.back() == '?') {
          g.kind = 'b';
          m.pop_back();
        }
        g.name = m;
        members.push_back(g);
      }
      for (FlagSpec& g : members) {
        for (const std::string& other : group) {
          if (other != g.name) g.one_of.push_back(other);
        }
        out.push_back(g);
      }
      continue;
    }
    if (!t.empty() && t.back() == '!') {
      f.required = true;
      t.pop_back();
    }
    if (size_t eq = t.find('='); eq != std::string::npos) {
      f.kind = 'e';
      f.choices = absl::StrSplit(t.substr(eq + 1), '|');
      t = t.substr(0, eq);
    } else if (!t.empty()) {
      switch (t.back()) {
        case '@':
          f.kind = 'd';
          break;
        case '#':
          f.kind = 'i';
          break;
        case '%':
          f.kind = 'n';
          break;
        case '?':
          f.kind = 'b';
          break;
        default:
          break;
      }
      if (f.kind != 't') t.pop_back();
    }
    f.name = t;
    out.push_back(f);
  }
  return out;
}

// CLI11 positional names are words: "HOST:PORT" becomes "address".
std::string PositionalName(const std::string& p) {
  return p == "HOST:PORT" ? "address" : absl::AsciiStrToLower(p);
}

const CLI::Validator& DateValidator() {
  static const CLI::Validator* const v = new CLI::Validator(
      [](std::string& value) -> std::string {
        absl::StatusOr<Date> d = Date::Parse(value);
        return d.ok() ? "" : std::string(d.status().message());
      },
      "YYYY-MM-DD", "date");
  return *v;
}

const CLI::Validator& WholeNumber() {
  static const CLI::Validator* const v = new CLI::Validator(
      [](std::string& value) -> std::string {
        int64_t n = 0;
        return absl::SimpleAtoi(value, &n)
                   ? ""
                   : absl::StrCat("'", value, "' is not a whole number");
      },
      "N", "whole number");
  return *v;
}

struct Leaf {
  const CommandSpec* spec = nullptr;
  CLI::App* app = nullptr;
  std::vector<FlagSpec> flags;
  std::vector<std::pair<std::string, CLI::Option*>> options;  // flag -> opt
  std::vector<CLI::Option*> positionals;
};

}  // namespace

ParseResult ParseCommandLine(int argc, char** argv) {
  ParseResult result;
  CLI::App app{
      "casectl: the command-line client of casework (dates are YYYY-MM-DD).\n"
      "Every command has its own --help.",
      "casectl"};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);
  std::vector<std::pair<std::string, CLI::Option*>> globals;
  for (const GlobalOption& g : GlobalOptions()) {
    const std::string name = absl::StrCat("--", g.name);
    CLI::Option* o = g.boolean ? app.add_flag(name) : app.add_option(name);
    o->description(g.help);
    globals.emplace_back(g.name, o);
  }
  std::map<std::string, CLI::App*> groups;
  std::vector<std::unique_ptr<Leaf>> leaves;
  for (const CommandSpec& spec : Commands()) {
    std::vector<std::string> words = absl::StrSplit(spec.path, ' ');
    CLI::App* parent = &app;
    CLI::App* leaf_app = nullptr;
    if (words.size() == 1) {
      leaf_app = app.add_subcommand(words[0], spec.help);
    } else {
      auto [it, inserted] = groups.try_emplace(words[0], nullptr);
      if (inserted) {
        it->second = app.add_subcommand(words[0], "");
        it->second->require_subcommand(1);
        it->second->fallthrough();
      }
      parent = it->second;
      leaf_app = parent->add_subcommand(words[1], spec.help);
      const std::string listed = parent->get_description().empty() ? "" : ", ";
      parent->description(
          absl::StrCat(parent->get_description(), listed, words[1]));
    }
    leaf_app->fallthrough();
    auto leaf = std::make_unique<Leaf>();
    leaf->spec = &spec;
    leaf->app = leaf_app;
    for (absl::string_view p :
         absl::StrSplit(spec.positionals, ' ', absl::SkipEmpty())) {
      CLI::Option* o = leaf_app->add_option(PositionalName(std::string(p)));
      o->required()->type_name(std::string(p));
      leaf->positionals.push_back(o);
    }
    leaf->flags = ParseFlags(spec.flags);
    for (const FlagSpec& f : leaf->flags) {
      const std::string name = absl::StrCat("--", f.name);
      CLI::Option* o = nullptr;
      switch (f.kind) {
        case 'b':
          o = leaf_app->add_flag(name);
          break;
        case 'd':
          o = leaf_app->add_option(name)->check(DateValidator());
          break;
        case 'i':
          o = leaf_app->add_option(name)->check(WholeNumber());
          break;
        case 'n':
          o = leaf_app->add_option(name)
                  ->check(CLI::Number)
                  ->type_name("NUMBER");
          break;
        case 'e':
          o = leaf_app->add_option(name)
                  ->check(CLI::IsMember(f.choices))
                  ->type_name(absl::StrJoin(f.choices, "|"));
          break;
        default:
          o = leaf_app->add_option(name)->type_name("TEXT");
      }
      if (f.required) o->required();
      leaf->options.emplace_back(f.name, o);
    }
    // Exactly one of a pair: each excludes the other; "neither" is checked
    // after parsing.
    for (auto& [name, o] : leaf->options) {
      for (const FlagSpec& f : leaf->flags) {
        if (f.name == name && !f.one_of.empty()) {
          for (auto& [other, p] : leaf->options) {
            if (std::find(f.one_of.begin(), f.one_of.end(), other) !=
                f.one_of.end()) {
              o->excludes(p);
            }
          }
        }
      }
    }
    leaves.push_back(std::move(leaf));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 reports through exceptions; they stop here.
    if (e.get_exit_code() == 0) {
      result.exit_code = app.exit(e);  // --help, --version
    } else {
      std::fprintf(stderr, "casectl: %s\n", e.what());
      std::fprintf(stderr, "casectl: see casectl%s --help\n",
                   argc > 1 && argv[1][0] != '-'
                       ? absl::StrCat(" ", argv[1]).c_str()
                       : "");
      result.exit_code = 2;
    }
    return result;
  }

  Args& a = result.args;
  for (auto& [name, o] : globals) {
    if (o->count() == 0) continue;
    a.flags[name] = o->get_expected_min() == 0 ? "true" : o->as<std::string>();
  }
  for (const auto& leaf : leaves) {
    if (!leaf->app->parsed()) continue;
    std::vector<std::string> words = absl::StrSplit(leaf->spec->path, ' ');
    a.positional = words;
    for (CLI::Option* p : leaf->positionals) {
      a.positional.push_back(p->as<std::string>());
    }
    for (auto& [name, o] : leaf->options) {
      a.command_flags.insert(name);
      if (o->count() == 0) continue;
      a.flags[name] =
          o->get_expected_min() == 0 ? "true" : o->as<std::string>();
    }
    for (const FlagSpec& f : leaf->flags) {
      // Once per group: at its member first by name.
      if (f.one_of.empty() ||
          std::any_of(f.one_of.begin(), f.one_of.end(),
                      [&](const std::string& o) { return o < f.name; })) {
        continue;
      }
      bool given = a.flags.contains(f.name);
      for (const std::string& other : f.one_of) {
        given = given || a.flags.contains(other);
      }
      if (!given) {
        std::vector<std::string> names = {absl::StrCat("--", f.name)};
        for (const std::string& other : f.one_of) {
          names.push_back(absl::StrCat("--", other));
        }
        const std::string last = names.back();
        names.pop_back();
        std::fprintf(stderr,
                     "casectl: give exactly one of %s and %s\n"
                     "casectl: see casectl %s --help\n",
                     absl::StrJoin(names, ", ").c_str(), last.c_str(),
                     leaf->spec->path);
        result.exit_code = 2;
        return result;
      }
    }
  }
  return result;
}

void PrintSpecJson() {
  auto quote = [](const std::string& s) { return absl::StrCat("\"", s, "\""); };
  for (const CommandSpec& spec : Commands()) {
    std::vector<std::string> flags;
    for (const FlagSpec& f : ParseFlags(spec.flags)) {
      std::vector<std::string> choices;
      for (const std::string& c : f.choices) choices.push_back(quote(c));
      flags.push_back(absl::StrCat(
          "{\"name\": ", quote(f.name), ", \"kind\": \"",
          std::string(1, f.kind),
          "\", \"required\": ", f.required ? "true" : "false",
          ", \"choices\": [", absl::StrJoin(choices, ", "),
          "], \"one_of\": ", quote(absl::StrJoin(f.one_of, "|")), "}"));
    }
    std::vector<std::string> positionals;
    for (absl::string_view p :
         absl::StrSplit(spec.positionals, ' ', absl::SkipEmpty())) {
      positionals.push_back(quote(std::string(p)));
    }
    std::printf("{\"path\": %s, \"positionals\": [%s], \"flags\": [%s]}\n",
                quote(spec.path).c_str(),
                absl::StrJoin(positionals, ", ").c_str(),
                absl::StrJoin(flags, ", ").c_str());
  }
}

}  // namespace casework::cli
