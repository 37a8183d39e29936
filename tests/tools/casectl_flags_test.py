#!/usr/bin/env python3
"""Every flag of every casectl command, generated from the parser's own table
(`casectl --spec-json`), so a new flag cannot escape it:

- `casectl PATH --help` exits 0 and lists each flag;
- an unknown flag, a missing value, a value of the wrong kind, a choice that
  does not exist and a missing required flag each exit 2 naming the flag;
- with every flag given (each alternative of an exactly-one-of pair in turn),
  the command gets past parsing and reads every flag it was given
  (CASECTL_CHECK_FLAGS_USED=1 makes casectl exit 70 on a flag it ignored);
  the services' addresses point at a closed port, so nothing is recorded.

Usage: casectl_flags_test.py BIN_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

BIN = os.path.join(sys.argv[1], "casectl")
CLOSED = "127.0.0.1:1"
ENV = dict(os.environ, CASECTL_CHECK_FLAGS_USED="1", CASEWORK_TOKEN="t",
           CASEWORK_BROKERS=CLOSED, **{f"CASEWORK_{s}_ADDR": CLOSED for s in
                                     ("EHC", "REVIEWS", "TRANSPORT", "COMPLAINTS", "PROJECTION",
                                      "RETURNS")})
failures = []


def run(args, timeout=60):
    p = subprocess.run([BIN] + args, capture_output=True, text=True, env=ENV, timeout=timeout)
    return p.returncode, p.stdout + p.stderr


def check(ok, what):
    if not ok:
        failures.append(what)


def sample(flag):
    if flag["name"] == "brokers":
        return CLOSED
    if flag["name"] == "needs":
        return "asd,slcn"
    if flag["name"] == "actions-file":
        return actions_csv
    if flag["name"] == "kafka-config":
        return "socket.timeout.ms=1000"
    if flag["name"] == "kafka-password-file":
        return password_file
    if flag["name"] == "outcomes":
        return "E1:education:2027-07-31"
    if flag["name"] == "progress":
        return "E1=achieved"
    kind = flag["kind"]
    if kind == "d":
        return "2026-01-05"
    if kind == "i":
        return "3"
    if kind == "n":
        return "2.5"
    if kind == "e":
        return flag["choices"][-1]
    return "x-1"


def bad_value(flag):
    return {"d": "2026-02-30", "i": "three", "n": "far", "e": "no-such-choice"}.get(flag["kind"])


tmp = tempfile.mkdtemp()
plans_csv = os.path.join(tmp, "plans.csv")
with open(plans_csv, "w") as f:
    f.write("plan_id,child_id,officer_id,issued_on\n")
people_csv = os.path.join(tmp, "people.csv")
with open(people_csv, "w") as f:
    f.write("child_id,surname,forename,date_of_birth,sex,ethnicity,postcode,upn,uln,upn_unknown\n")
schools_csv = os.path.join(tmp, "schools.csv")
with open(schools_csv, "w") as f:
    f.write("record_id,child_id,kind,date,sessions,academic_year,term,sessions_possible,"
            "sessions_attended\n")
directory_csv = os.path.join(tmp, "directory.csv")
with open(directory_csv, "w") as f:
    f.write("kind,id,name,team_id,role,active,manager_id\n")
password_file = os.path.join(tmp, "kafka-password")
with open(password_file, "w") as f:
    f.write("not-a-real-password\n")
actions_csv = os.path.join(tmp, "actions.csv")
with open(actions_csv, "w") as f:
    f.write("action_id,section,description\n")
positional_samples = {"HOST:PORT": CLOSED, "TOPIC": "casework.none.v1", "down|up": "up"}

spec = [json.loads(line) for line in subprocess.run(
    [BIN, "--spec-json"], capture_output=True, text=True, check=True).stdout.splitlines()]
assert len(spec) >= 70, len(spec)
checked = 0
for cmd in spec:
    path = cmd["path"].split()
    files = {"plans import": plans_csv, "directory import": directory_csv,
             "people import": people_csv, "schools import": schools_csv}
    pos = [files[cmd["path"]] if p == "FILE" else positional_samples.get(p, "id-1")
           for p in cmd["positionals"]]
    flags = cmd["flags"]
    required = [f for f in flags if f["required"]]
    name = cmd["path"]

    rc, out = run(path + ["--help"])
    check(rc == 0, f"{name} --help: exit {rc}")
    for f in flags:
        check(f"--{f['name']}" in out, f"{name} --help does not list --{f['name']}")

    def base(skip=None):
        args = path + pos
        for f in required:
            if f is not skip:
                args += [f"--{f['name']}", sample(f)]
        pair = [f for f in flags if f["one_of"]]
        if pair and not any(f is skip for f in pair):
            args += [f"--{pair[0]['name']}", "x-1"]
        return args

    rc, out = run(base() + ["--no-such-flag"])
    check(rc == 2 and "--no-such-flag" in out, f"{name}: unknown flag: exit {rc}: {out}")
    for f in flags:
        flag = f"--{f['name']}"
        if f["kind"] != "b":
            rc, out = run(base(skip=f) + [flag])
            check(rc == 2 and flag in out, f"{name} {flag} without a value: exit {rc}: {out}")
        bad = bad_value(f)
        if bad is not None:
            rc, out = run(base(skip=f) + [flag, bad])
            check(rc == 2 and flag in out, f"{name} {flag} {bad}: exit {rc}: {out}")
        if f["required"]:
            rc, out = run(base(skip=f))
            check(rc == 2 and flag in out, f"{name} without {flag}: exit {rc}: {out}")
        checked += 1

    # Every flag given at once; an exactly-one-of pair one side at a time.
    pairs = [f for f in flags if f["one_of"]]
    sides = [[p] for p in pairs] or [[]]
    for side in sides:
        args = path + pos
        for f in flags:
            if f["one_of"] and f not in side:
                continue
            args += [f"--{f['name']}"] + ([] if f["kind"] == "b" else [sample(f)])
        rc, out = run(args)
        check(rc not in (2, 70), f"{' '.join(args)}: exit {rc}: {out.strip()[:300]}")

print(f"casectl flags: {len(spec)} commands, {checked} flags checked, {len(failures)} failure(s)")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
