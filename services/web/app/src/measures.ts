// The measures of DOMAIN.md section 6 in groups for the dashboards (the
// projection names and counts them; the groups only decide the columns).
import type { Measure } from "./gen/casework/v1/projection_pb";

export const AREAS: { id: string; name: string; test: (code: string) => boolean }[] = [
  { id: "ehc", name: "EHC needs assessments", test: (c) => c.startsWith("ehc.") && !c.startsWith("ehc.advice_6_weeks") },
  { id: "advice", name: "Advice by adviser", test: (c) => c.startsWith("ehc.advice_6_weeks") },
  { id: "reviews", name: "Annual reviews", test: (c) => c.startsWith("review.") && c !== "review.early_review_considered" },
  { id: "transport", name: "Home-to-school travel", test: (c) => c.startsWith("transport.") },
  { id: "complaints", name: "Complaints", test: (c) => c.startsWith("complaint") },
  { id: "disagreements", name: "Mediation and Tribunal", test: (c) => /^(mediation|tribunal|disagreements)\./.test(c) },
  { id: "quality", name: "Quality and outcomes", test: (c) => c.startsWith("quality.") },
  { id: "experience", name: "Families' experience", test: (c) => c.startsWith("experience.") },
  { id: "schools", name: "Exclusions and attendance", test: (c) => c.startsWith("schools.") || c === "review.early_review_considered" },
];

export function areaOf(id: string | null) {
  return AREAS.find((a) => a.id === id) ?? AREAS[0];
}

export function inArea(measures: Measure[], area: string | null): Measure[] {
  const a = areaOf(area);
  return measures.filter((m) => a.test(m.code));
}
