#!/usr/bin/env python3
"""Writes docs/events.md: every event of every topic, field by field, from proto/.

The reference is generated from the .proto files and their comments (protoc's descriptor
set with source info), so it cannot drift from the contract: CTest `event_reference_test`
fails when docs/events.md differs from what this script makes, and this script fails when a
field of an event has no comment saying what it means. After changing proto/, run
    scripts/event_reference.py > docs/events.md
Usage: event_reference.py [PROTO_DIR]   (default: proto/ beside this script)
"""
import os
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2

TOPICS = [
    ("casework.ehc-assessments.v1", "casework/v1/ehc_assessment.proto", "EhcAssessmentEvent",
     "uk.send.casework.ehc.v1."),
    ("casework.annual-reviews.v1", "casework/v1/annual_review.proto", "AnnualReviewEvent",
     "uk.send.casework.reviews.v1."),
    ("casework.transport.v1", "casework/v1/transport.proto", "TransportEvent",
     "uk.send.casework.transport.v1."),
    ("casework.complaints.v1", "casework/v1/complaints.proto", "ComplaintsEvent",
     "uk.send.casework.complaints.v1."),
]
SHARED = ["EventMetadata", "ClockChange", "Date"]
# Additive changes to v1, newest first: which events gained fields (older events leave them
# unset) and which clock rules are new, so a consumer knows what to expect.
CHANGES = [
    "## Changes", "",
    "School events - additive:",
    "- New events on casework.annual-reviews.v1: `SchoolEventReported` (oneof 25: a "
    "suspension, permanent exclusion or term's attendance of the plan's child, as the back "
    "office published it on casework.school-events.v1) and `EarlyReviewDecided` (26). New "
    "clock rule `review.consider_early_review` (a permanent exclusion, or the second "
    "suspension in a term; 10 working days). Tallies `schools.suspensions`, "
    "`schools.permanent_exclusions`, `schools.attendance_recorded` and "
    "`schools.persistently_absent`, each counted on the event's own day (a term's attendance "
    "on the term's last day).",
    "",
    "Families' experience - additive:",
    "- `ComplaintsEvent` carries `tallies` (3) like the other envelopes. `Tally` gained `on` "
    "(3): the day a tally counts on when it is a cohort's, not the event's (an appeal counts "
    "on the day of the mediation it followed).",
    "- Cohort tallies: `MediationHeld` adds `disagreements.mediated` and, agreed or partly, "
    "`disagreements.mediation_agreed`; `AppealRegistered` after a mediation adds "
    "`disagreements.mediated_appealed` on the mediation's day; `ComplaintClosed` adds "
    "`complaints.closed` and `complaints.closed_escalated` / `complaints.closed_ombudsman`. "
    "`ComplaintLogged` adds `complaints.subject.<subject>`; `ComplaintResponded` adds "
    "`complaints.replies` and `complaints.finding.<finding>`.",
    "- New events on casework.complaints.v1: `FeedbackRecorded` (oneof 50: a compliment, "
    "comment or survey response about a case and its officer; its text never in the event), "
    "`SurveySent` (51) and `SurveyResponded` (52). Tallies `experience.compliments`, "
    "`experience.scored` and `experience.satisfied` (score 4 or 5 of 5; also per survey, "
    "`.<survey>`), `experience.surveys_sent` and `experience.surveys_answered`.",
    "",
    "Quality assurance - additive:",
    "- Every envelope may carry `tallies` (3): counts toward measures that are not clocks "
    "(`Tally`: plans issued, plans audited, audits graded, criteria met); consumers add them "
    "up per officer and day. `PlanRegistered` from a final plan and `AmendedPlanIssued` add "
    "`quality.plans_issued`.",
    "- New events `PlanAudited` (annual-reviews, oneof 22) and `AuditActionCompleted` "
    "(oneof 23); new clock rule `quality.audit_action` (the QA framework's working days).",
    "- `PlanContents`: `outcomes` (8): each outcome's id, area and target date (never its "
    "wording). `ReviewMeetingHeld`: `outcomes` (4), progress towards each, and `nc_year` (5). "
    "`FinalPlanIssued`: `nc_year` (6), which `PlanRegistered` carries on to the plan.",
    "- New event `AdviceAudited` (ehc-assessments, oneof 22): a quality audit of advice "
    "received; `Audit` gained `advice_id` (11). `AdviceType` gained SPECIALIST_TEACHER (7).",
    "- New event `PlanSampled` (annual-reviews, oneof 24): the plan was drawn in a dip "
    "sample; new clock rule `quality.sample_audit`, assigned to the auditor. "
    "`ClockChange` gained `assignee` (11): who the step falls to when not the case's "
    "officer (the clock stays with them when the case changes hands). `Audit` gained "
    "`sample_id` (12), the sample an audit completes. New tallies "
    "`quality.plans_sampled` and `quality.sampled_audited`.",
    "- New event `DraftPlanAudited` (ehc-assessments, oneof 23): a quality audit of the "
    "draft plan (`audit.audited_plan` DRAFT). `DraftPlanIssued` adds the tally "
    "`quality.drafts_issued`; draft audits add `quality.drafts_audited`, "
    "`quality.draft_audits_graded` and `quality.draft_audits_good`, apart from issued plans'.",
    "",
    "Issue 18 (the SEN2 return) - additive:",
    "- `RequestRecorded`: `rya` (6). `RequestSource` gained HEALTH (5) and SOCIAL_CARE (6).",
    "- `FinalPlanIssued`: `contents` (5): the settings of Section I, the ranked needs, "
    "residential and work-based patterns, the personal budget (`PlanContents`).",
    "- `MovedOutOfArea`: `to_la` (2), the LA moved to (SEN2 Exported).",
    "- `PlanRegistered`: `contents` (9), `transferred_from_la` (10), `transferred_on` (11).",
    "- `AmendedPlanIssued`: `contents` (3), when the amendment changed what the plan names.",
    "- New event `PlacementRecorded` (annual-reviews, oneof 21): an establishment attended "
    "while the plan is maintained, with entry and leaving dates.",
    "",
    "Issue 17 (the law, read again) - all additive; events written before leave the new "
    "fields unset:",
    "- `RequestRecorded`: `date_of_birth` (4), `plan_id` (5, a re-assessment names its plan).",
    "- `FinalPlanIssued`: `date_of_birth` (4).",
    "- `ExceptionRecorded`: `recorded_on` (7); exceptions now meet their own conditions and "
    "lift only clocks whose period they fall in and that were not yet missed.",
    "- `ComplaintAcknowledged`: `stage` (2): 2 acknowledges a stage 2 escalation.",
    "- `ApplicationReceived.facts`: `walking_miles` (7) and `road_miles` (8) have presence "
    "(proto3 `optional`): unset is \"not given\", never 0 miles.",
    "- `ApplicationReceived.assessment`: `assessed_on` (6), `entitled_from` (7), "
    "`entitled_until` (8), `compulsory_school_age_from` (9), `compulsory_school_age_until` "
    "(10); `age` is on the date in question.",
    "- `ReviewDecisionNotified`: `next_cycle` (4) is also set after a decision to cease.",
    "- New clock rules (`ClockChange.rule`): `ehc.reassessment_decision` (15 days, reg 25(1)), "
    "`complaint.stage2_acknowledge` (5 working days); `ehc.reassessment_final_plan` now counts "
    "from the decision to re-assess (reg 27(2)) and `complaint.stage2` from the escalation's "
    "acknowledgement.",
    "",
]
UNDOCUMENTED = []  # fields of events without a comment in proto/: an error
F = descriptor_pb2.FieldDescriptorProto
SCALARS = {F.TYPE_DOUBLE: "double", F.TYPE_FLOAT: "float", F.TYPE_INT64: "int64",
           F.TYPE_UINT64: "uint64", F.TYPE_INT32: "int32", F.TYPE_FIXED64: "fixed64",
           F.TYPE_FIXED32: "fixed32", F.TYPE_BOOL: "bool", F.TYPE_STRING: "string",
           F.TYPE_BYTES: "bytes", F.TYPE_UINT32: "uint32", F.TYPE_SFIXED32: "sfixed32",
           F.TYPE_SFIXED64: "sfixed64", F.TYPE_SINT32: "sint32", F.TYPE_SINT64: "sint64"}


def load(proto_dir):
    files = []
    for root, _, names in os.walk(os.path.join(proto_dir, "casework")):
        files += [os.path.relpath(os.path.join(root, n), proto_dir)
                  for n in names if n.endswith(".proto")]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "set.pb")
        subprocess.run(["protoc", "-I", proto_dir, "--include_source_info",
                        f"--descriptor_set_out={out}"] + sorted(files), check=True)
        fds = descriptor_pb2.FileDescriptorSet()
        with open(out, "rb") as f:
            fds.ParseFromString(f.read())
    return fds


def comments(file):
    """(message or enum path tuple) -> comment text."""
    out = {}
    for loc in file.source_code_info.location:
        text = (loc.leading_comments or loc.trailing_comments or "").strip()
        if text:
            out[tuple(loc.path)] = " ".join(line.strip() for line in text.splitlines())
    return out


class Index:
    def __init__(self, fds):
        self.messages = {}  # full name -> (file, path, DescriptorProto)
        self.enums = {}
        self.notes = {}
        for file in fds.file:
            self.notes[file.name] = comments(file)
            for i, m in enumerate(file.message_type):
                self._message(file, (4, i), f".{file.package}.{m.name}", m)
            for i, e in enumerate(file.enum_type):
                self.enums[f".{file.package}.{e.name}"] = (file, (5, i), e)

    def _message(self, file, path, name, m):
        self.messages[name] = (file, path, m)
        for i, nested in enumerate(m.nested_type):
            self._message(file, path + (3, i), f"{name}.{nested.name}", nested)
        for i, e in enumerate(m.enum_type):
            self.enums[f"{name}.{e.name}"] = (file, path + (4, i), e)

    def note(self, file, path):
        return self.notes[file.name].get(tuple(path), "")


def type_of(field):
    t = SCALARS.get(field.type) or field.type_name.split(".")[-1]
    if field.label == F.LABEL_REPEATED:
        return f"repeated {t}"
    if field.proto3_optional:
        return f"optional {t}"
    return t


def cell(text):
    return text.replace("|", "\\|")


def fields_table(idx, name, out, referenced):
    file, path, m = idx.messages[name]
    out.append("| field | no. | type | meaning |")
    out.append("|---|---|---|---|")
    for i, f in enumerate(m.field):
        if f.type in (F.TYPE_MESSAGE, F.TYPE_ENUM):
            referenced.add(f.type_name)
        note = idx.note(file, path + (2, i))
        if not note:
            UNDOCUMENTED.append(f"{m.name}.{f.name}")
        out.append(f"| `{f.name}` | {f.number} | `{type_of(f)}` | {cell(note)} |")
    if m.reserved_range:
        nums = ", ".join(str(r.start) if r.end == r.start + 1 else f"{r.start}-{r.end - 1}"
                         for r in m.reserved_range)
        out.append(f"\nReserved (never reused): {nums}.")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    proto_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "proto")
    idx = Index(load(proto_dir))
    out = ["# Event reference (generated)", "",
           "Every event of every topic, field by field, generated from `proto/` and its comments",
           "by `scripts/event_reference.py`; CI fails when this file is out of date. How events",
           "travel (topics, keys, headers, encodings, clocks, dedupe) is in",
           "[integration.md](integration.md). In JSON the field names are as below; 64-bit",
           "integers are strings and enums their value names.", ""]
    out += CHANGES
    referenced = set()
    out.append("## Shared messages")
    for name in SHARED:
        full = f".casework.v1.{name}"
        file, path, _ = idx.messages[full]
        out += ["", f"### `{name}`", ""]
        note = idx.note(file, path)
        if note:
            out += [note, ""]
        fields_table(idx, full, out, referenced)
    for topic, _, envelope, prefix in TOPICS:
        full = f".casework.v1.{envelope}"
        file, path, m = idx.messages[full]
        out += ["", f"## `{topic}`: `{envelope}`", ""]
        out.append(f"`metadata` (1) and `clocks` (2) as above; exactly one event in the oneof "
                   f"`event`; the `ce_type` header is `{prefix}<Event>`.")
        for i, f in enumerate(m.field):
            if not f.HasField("oneof_index"):
                continue
            ev = f.type_name
            efile, epath, _ = idx.messages[ev]
            out += ["", f"### `{ev.split('.')[-1]}` (oneof field `{f.name}` = {f.number})", ""]
            note = idx.note(efile, epath) or idx.note(file, path + (2, i))
            if note:
                out += [note, ""]
            fields_table(idx, ev, out, referenced)
    # Enums and nested messages the events use.
    seen = set()
    pending = sorted(referenced)
    extra_msgs, enums = [], []
    while pending:
        t = pending.pop(0)
        if t in seen or t.split(".")[-1] in SHARED:
            continue
        seen.add(t)
        if t in idx.enums:
            enums.append(t)
        elif t in idx.messages and not t.endswith("Event"):
            extra_msgs.append(t)
            more = set()
            fields_table(idx, t, [], more)
            pending += sorted(more - seen)
    if extra_msgs:
        out += ["", "## Other messages in events"]
        for t in sorted(extra_msgs):
            out += ["", f"### `{t.split('.')[-1]}`", ""]
            fields_table(idx, t, out, set())
    out += ["", "## Enums", ""]
    for t in sorted(enums, key=lambda n: n.split(".")[-1]):
        file, path, e = idx.enums[t]
        note = idx.note(file, path)
        values = "; ".join(
            f"`{v.name}` = {v.number}" + (f" ({cell(idx.note(file, path + (2, i)))})"
                                           if idx.note(file, path + (2, i)) else "")
            for i, v in enumerate(e.value))
        out.append(f"- `{t.split('.')[-1]}`" + (f": {cell(note).rstrip('.')}" if note else "") + f". {values}")
    if UNDOCUMENTED:
        sys.exit("fields without a comment in proto/ (say what each means): "
                 + ", ".join(sorted(set(UNDOCUMENTED))))
    print("\n".join(out))


if __name__ == "__main__":
    main()
