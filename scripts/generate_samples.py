#!/usr/bin/env python3
"""Writes samples/: a fictional faculty's placement exports, as its office receives them.

Deterministic: the same arguments give byte-identical files. Every quirk of SPEC §3 appears,
and a handful of bad rows; PLANTED.json lists each bad row (file, line, field, why) so a
test can check that ingest quarantines exactly those and nothing else.

    python3 scripts/generate_samples.py            # rewrites samples/
    python3 scripts/generate_samples.py --out DIR --students 400 --seed 7
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
from dataclasses import dataclass, field

from sample_xlsx import write_sample_workbooks

# --- The faculty's world -------------------------------------------------------------------

# (code, official name, kind, region, city, country)
CENTRAL = [("UZG", "UZ Gent", "hospital", "central", "Gent", "BE")]
PERIPHERAL = [
    ("AZGR", "AZ Groeninge", "Kortrijk"), ("AZSJ", "AZ Sint-Jan Brugge", "Brugge"), ("AZDE", "AZ Delta", "Roeselare"),
    ("AZSL", "AZ Sint-Lucas Gent", "Gent"), ("AZMM", "AZ Maria Middelares", "Gent"), ("AZNI", "AZ Nikolaas", "Sint-Niklaas"),
    ("AZKL", "AZ Klina", "Brasschaat"), ("ZNAM", "ZNA Middelheim", "Antwerpen"), ("GZAA", "GZA Sint-Augustinus", "Wilrijk"),
    ("JESS", "Jessa Ziekenhuis", "Hasselt"), ("ZOL", "Ziekenhuis Oost-Limburg", "Genk"), ("AZTU", "AZ Turnhout", "Turnhout"),
    ("IMEL", "Imelda Ziekenhuis", "Bonheiden"), ("AZSM", "AZ Sint-Maarten", "Mechelen"), ("OLVA", "OLV Ziekenhuis Aalst", "Aalst"),
    ("AZAL", "AZ Alma", "Eeklo"), ("AZDA", "AZ Damiaan", "Oostende"), ("UZB", "UZ Brussel", "Brussel"),
    ("CHSP", "CHU Saint-Pierre", "Brussel"), ("AZJP", "AZ Jan Portaels", "Vilvoorde"),
    ("AZVE", "AZ Vesalius", "Tongeren"), ("STRU", "Sint-Trudo Ziekenhuis", "Sint-Truiden"),
]
GP_PRACTICES = [
    ("HADL", "Huisartsenpraktijk De Linde", "Gent"), ("HAZW", "Huisartsenpraktijk Zwijnaarde", "Zwijnaarde"),
    ("HAML", "Groepspraktijk Mariakerke", "Mariakerke"), ("HADB", "Huisartsenpraktijk De Brug", "Deinze"),
    ("HAKR", "Wijkgezondheidscentrum Kraaiennest", "Kortrijk"), ("HAEV", "Huisartsenpraktijk Ter Eeckhout", "Evergem"),
    ("HAWE", "Huisartsengroep Wetteren", "Wetteren"), ("HALO", "Praktijk Lochristi", "Lochristi"),
]
NON_RECOGNISED = [
    ("NRPH", "Privékliniek Het Park", "Knokke"), ("NRSJ", "Kliniek Sint-Jozef Pittem", "Pittem"),
    ("NRRV", "Revalidatiecentrum De Vijvers", "Oostduinkerke"), ("NRJG", "Jeugdpsychiatrie Het Gielsbos", "Gierle"),
]
ABROAD = [
    ("CHAR", "Charité – Universitätsmedizin Berlin", "Berlin", "DE"),
    ("NECK", "Hôpital Necker-Enfants malades", "Paris", "FR"),
    ("KARO", "Karolinska Universitetssjukhuset", "Stockholm", "SE"),
    ("CLIN", "Hospital Clínic de Barcelona", "Barcelona", "ES"),
    ("KCMC", "Kilimanjaro Christian Medical Centre", "Moshi", "TZ"),
    ("RADB", "Radboudumc", "Nijmegen", "NL"),
]

# Discipline groups and sub-disciplines: (code, Dutch name, English name, parent group or None)
DISCIPLINES = [
    ("HK", "heelkunde", "surgery", None),
    ("HK-ORT", "orthopedie", "orthopaedics", "HK"), ("HK-KHK", "kinderheelkunde", "paediatric surgery", "HK"),
    ("HK-NCH", "neurochirurgie", "neurosurgery", "HK"), ("HK-ABD", "abdominale heelkunde", "abdominal surgery", "HK"),
    ("HK-VHK", "vaatheelkunde", "vascular surgery", "HK"),
    ("IG", "interne geneeskunde", "internal medicine", None),
    ("IG-CAR", "cardiologie", "cardiology", "IG"), ("IG-GER", "geriatrie", "geriatrics", "IG"),
    ("IG-ONC", "oncologie", "oncology", "IG"), ("IG-GAS", "gastro-enterologie", "gastroenterology", "IG"),
    ("IG-PNE", "pneumologie", "pneumology", "IG"), ("IG-NEF", "nefrologie", "nephrology", "IG"),
    ("PED", "pediatrie", "paediatrics", None),
    ("HA", "huisartsgeneeskunde", "general practice", None),
    ("GYN", "gynaecologie-verloskunde", "gynaecology-obstetrics", None),
    ("BV", "beeldvorming", "medical imaging", None),
    ("KS", "kleine specialismen", "small specialties", None),
    ("KS-URO", "urologie", "urology", "KS"), ("KS-REU", "reumatologie", "rheumatology", "KS"),
    ("KS-GEN", "genetica", "genetics", "KS"), ("KS-DER", "dermatologie", "dermatology", "KS"),
    ("KS-OFT", "oftalmologie", "ophthalmology", "KS"), ("KS-NKO", "neus-keel-oorheelkunde", "ear, nose and throat", "KS"),
    ("PSY", "psychiatrie", "psychiatry", None),
    ("SPO", "spoedgeneeskunde", "emergency medicine", None),
    ("ANE", "anesthesiologie", "anaesthesiology", None),
    ("WET", "wetenschappelijke stage", "scientific placement", None),
]
DISC = {code: (nl, en, parent) for code, nl, en, parent in DISCIPLINES}

# How a discipline is typed in exports besides its Dutch name (varying case and language).
DISCIPLINE_SPELLINGS = {
    "IG-CAR": ["cardiologie", "Cardiologie", "cardiology"], "HK-ORT": ["orthopedie", "Orthopedie", "orthopaedics"],
    "PED": ["pediatrie", "Pediatrie", "kindergeneeskunde"], "GYN": ["gynaecologie-verloskunde", "Gynaecologie - verloskunde", "gynecologie"],
    "HA": ["huisartsgeneeskunde", "Huisartsgeneeskunde"], "BV": ["beeldvorming", "radiologie", "Beeldvorming"],
}

YEARS = [2024, 2025]  # placement years 2024-2025 and 2025-2026
AS_OF = dt.date(2026, 7, 15)

FIRST_NAMES = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
               "Dubois", "Lambert", "Vermeulen", "Van den Bossche", "Desmet", "Coppens", "Lemmens", "Hermans"]
INITIALS = "ABCDEFGHJKLMNPRSTVW"


@dataclass
class Site:
    code: str
    name: str
    kind: str
    region: str
    city: str
    country: str


@dataclass
class Agreement:
    agreement_id: str
    site: Site
    discipline: str
    slots: int
    valid_from: dt.date
    valid_to: dt.date
    kind: str  # framework | individual
    student: str | None
    supervisor: str


@dataclass
class Placement:
    student: str
    site: Site
    discipline: str
    start: dt.date
    weeks: int
    kind: str
    agreement: Agreement

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=7 * self.weeks - 1)


@dataclass
class Planted:
    """What the generator put in on purpose, so that tests can hold ingest to it."""
    bad_rows: list = field(default_factory=list)
    quirks: dict = field(default_factory=dict)

    def bad(self, path: str, line: int, field_name: str | None, why: str) -> None:
        self.bad_rows.append({"path": path, "line": line, "field": field_name, "why": why})

    def quirk(self, name: str, path: str, line: int) -> None:
        self.quirks.setdefault(name, []).append({"path": path, "line": line})


def all_sites() -> list[Site]:
    sites = [Site(c, n, k, r, city, country) for c, n, k, r, city, country in CENTRAL]
    sites += [Site(c, n, "hospital", "peripheral", city, "BE") for c, n, city in PERIPHERAL]
    sites += [Site(c, n, "gp-practice", "peripheral", city, "BE") for c, n, city in GP_PRACTICES]
    sites += [Site(c, n, "other", "peripheral", city, "BE") for c, n, city in NON_RECOGNISED]
    sites += [Site(c, n, "hospital", "abroad", city, country) for c, n, city, country in ABROAD]
    return sites


# --- Agreements and placements ------------------------------------------------------------

def monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def make_agreements(rng: random.Random, sites: list[Site], capacity_scale: int = 1) -> list[Agreement]:
    agreements: list[Agreement] = []
    hospital_disciplines = [c for c, (_, _, p) in DISC.items() if c not in ("HA", "WET") and not (p is None and c in ("HK", "IG", "KS"))]
    number = 1
    for site in sites:
        if site.region == "abroad" or site.kind == "other":
            continue
        if site.kind == "gp-practice":
            chosen = ["HA"]
        elif site.region == "central":
            chosen = hospital_disciplines + ["WET", "IG", "HK"]
        else:
            chosen = sorted(rng.sample(hospital_disciplines, rng.randint(6, 11)))
            if rng.random() < 0.4:
                chosen.append("IG")  # a group-level agreement covering all of internal medicine
        for discipline in chosen:
            slots = capacity_scale * (1 if site.kind == "gp-practice" else rng.choice([1, 2, 2, 3, 4] if site.region != "central" else [3, 4, 5, 6]))
            valid_from, valid_to = dt.date(2022, 7, 1), dt.date(2028, 6, 30)
            roll = rng.random()
            if roll < 0.08:
                valid_from = dt.date(2025, 1, 1)  # a new agreement, valid from half-way a year
            elif roll < 0.12:
                valid_to = dt.date(2026, 9, 30)  # expiring soon after the as-of date
            supervisor = f"Dr. {rng.choice(INITIALS)}. {rng.choice(FIRST_NAMES)}"
            agreements.append(Agreement(f"RO-{number:04d}", site, discipline, slots, valid_from, valid_to, "framework", None, supervisor))
            number += 1
    return agreements


def lineage(discipline: str) -> list[str]:
    parent = DISC[discipline][2]
    return [discipline] + ([parent] if parent else [])


def matcher_choice(agreements: list[Agreement], discipline: str, student: str, start: dt.date, end: dt.date):
    """The agreement stagebalans will match (SPEC §4): among those at the site for the
    discipline or its group, framework or naming the student, valid for all the dates, the most
    specific discipline, then individual over framework, then the lowest id."""
    best = None
    for agreement in agreements:
        if agreement.discipline not in lineage(discipline):
            continue
        if agreement.kind == "individual" and agreement.student != student:
            continue
        if not (agreement.valid_from <= start and end <= agreement.valid_to):
            continue
        rank = (lineage(discipline).index(agreement.discipline), 0 if agreement.kind == "individual" else 1, agreement.agreement_id)
        if best is None or rank < best[0]:
            best = (rank, agreement)
    return best[1] if best else None


class Scheduler:
    """Places students week by week, only where the agreement stagebalans will match has a free
    slot, so that no finding appears that was not planted."""

    def __init__(self, rng: random.Random, sites: list[Site], framework: list[Agreement]):
        self.rng = rng
        self.epoch = dt.date(2024, 7, 1)
        self.occupancy: dict[tuple[str, int], int] = {}
        self.by_site: dict[str, list[Agreement]] = {}
        for agreement in framework:
            self.by_site.setdefault(agreement.site.code, []).append(agreement)
        self.sites = {site.code: site for site in sites}
        self.non_recognised = [s for s in sites if s.kind == "other" or s.region == "abroad"]
        self.placements: list[Placement] = []
        self.individual: list[Agreement] = []
        self.individual_number = 1

    def weeks_of(self, start: dt.date, weeks: int) -> range:
        first = (start - self.epoch).days // 7
        return range(first, first + weeks)

    def free(self, agreement: Agreement, start: dt.date, weeks: int) -> int:
        return min(agreement.slots - self.occupancy.get((agreement.agreement_id, w), 0) for w in self.weeks_of(start, weeks))

    def take(self, agreement: Agreement, start: dt.date, weeks: int) -> None:
        for w in self.weeks_of(start, weeks):
            self.occupancy[(agreement.agreement_id, w)] = self.occupancy.get((agreement.agreement_id, w), 0) + 1

    def framework_placement(self, student: str, discipline: str, start: dt.date, weeks: int):
        end = start + dt.timedelta(days=7 * weeks - 1)
        codes = sorted(self.by_site)
        self.rng.shuffle(codes)
        for code in codes:
            agreement = matcher_choice(self.by_site[code], discipline, student, start, end)
            if agreement and self.free(agreement, start, weeks) > 0:
                self.take(agreement, start, weeks)
                kind = {"HA": "general-practice", "WET": "scientific"}.get(discipline, "hospital")
                return Placement(student, agreement.site, discipline, start, weeks, kind, agreement)
        return None

    def individual_placement(self, student: str, discipline: str, start: dt.date, weeks: int, site: Site | None = None,
                             valid_to_shift: int | None = None, write_agreement: bool = True):
        site = site or self.rng.choice(self.non_recognised)
        end = start + dt.timedelta(days=7 * weeks - 1)
        valid_to = end + dt.timedelta(days=self.rng.randint(0, 20)) if valid_to_shift is None else end + dt.timedelta(days=valid_to_shift)
        agreement = Agreement(f"IO-{self.individual_number:04d}", site, discipline, 1, start - dt.timedelta(days=self.rng.randint(0, 20)),
                              valid_to, "individual", student, f"Dr. {self.rng.choice(INITIALS)}. {self.rng.choice(FIRST_NAMES)}")
        self.individual_number += 1
        if write_agreement:
            self.individual.append(agreement)
        kind = "abroad" if site.region == "abroad" else "hospital"
        return Placement(student, site, discipline, start, weeks, kind, agreement)

    def schedule(self, students: list[str]) -> None:
        clinical = [c for c in DISC if c not in ("HK", "IG", "KS", "WET")]
        for student in students:
            for year in YEARS:
                start = monday_on_or_after(dt.date(year, 7, 1) + dt.timedelta(days=7 * self.rng.randint(0, 3)))
                year_end = dt.date(year + 1, 6, 30)
                for _ in range(self.rng.randint(5, 8)):
                    weeks = self.rng.choice([2, 4, 4, 4, 6, 8, 8])
                    end = start + dt.timedelta(days=7 * weeks - 1)
                    if end > year_end:
                        break
                    if self.rng.random() < 0.03:
                        placed = self.individual_placement(student, self.rng.choice(clinical), start, weeks)
                    else:
                        wanted = "WET" if self.rng.random() < 0.12 else self.rng.choice(clinical)
                        placed = self.framework_placement(student, wanted, start, weeks)
                    if placed:
                        self.placements.append(placed)
                    start = end + dt.timedelta(days=1 + 7 * self.rng.choice([0, 0, 0, 1, 2]))


# --- How names get typed --------------------------------------------------------------------

def typed_site_name(rng: random.Random, site: Site) -> str:
    """The site as somebody typed it: usually the official name, sometimes a variant that
    canonical matching resolves (case, A.Z., St., campus suffix, non-breaking space)."""
    name = site.name
    roll = rng.random()
    if roll < 0.70:
        return name
    if roll < 0.76:
        return name.upper()
    if roll < 0.82 and name.startswith("AZ "):
        return "A.Z. " + name[3:]
    if roll < 0.87 and "Sint-" in name:
        return name.replace("Sint-", "St.-")
    if roll < 0.92 and site.kind == "hospital" and site.region != "abroad":
        return name + " - campus " + site.city
    if roll < 0.96:
        return name.replace(" ", "\u00a0", 1)
    return "  " + name.lower() + " "


def typed_discipline(rng: random.Random, code: str) -> str:
    spellings = DISCIPLINE_SPELLINGS.get(code)
    if spellings and rng.random() < 0.5:
        return rng.choice(spellings)
    return DISC[code][0]


# --- Writers --------------------------------------------------------------------------------

class LineWriter:
    """Collects physical lines, so that the generator knows each record's line number."""

    def __init__(self, newline: str):
        self.parts: list[str] = []
        self.newline = newline
        self.line = 1

    def record(self, text: str, encoding: str | None = None) -> int:
        """`encoding` overrides the file's encoding for this line (a planted mis-encoded row)."""
        start = self.line
        self.parts.append((text + self.newline, encoding))
        self.line += text.count("\n") + text.count("\r") - text.count("\r\n") + 1
        return start

    def encode(self, default: str, errors: str = "strict") -> bytes:
        return b"".join(text.encode(encoding or default, errors) for text, encoding in self.parts)


def csv_field(value: str, delimiter: str) -> str:
    if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def fmt_date(rng: random.Random, day: dt.date, style: str) -> str:
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
              "november", "december"]
    if style == "belgian":
        roll = rng.random()
        if roll < 0.75:
            return day.strftime("%d/%m/%Y")
        if roll < 0.88:
            return f"{day.day}/{day.month}/{day.year}"
        if roll < 0.95:
            return f"{day.day} {months[day.month - 1]} {day.year}"
        return str((day - dt.date(1899, 12, 30)).days)  # a cell that lost its date format
    if style == "iso-or-dashes":
        return day.isoformat() if rng.random() < 0.8 else f"{day.day}-{day.month}-{day.year}"
    return day.isoformat()


def fmt_score(rng: random.Random, score: float) -> str:
    roll = rng.random()
    if roll < 0.55:
        return f"{score:g}".replace(".", ",")
    if roll < 0.75:
        return f"{score:g}"
    if roll < 0.9:
        return f"{score:g}/20"
    return f"{score * 5:g}%"


def placement_key(p: Placement) -> str:
    return f"student={p.student} site={p.site.code} discipline={p.discipline} start={p.start.isoformat()}"


def canonical(text: str) -> str:
    """stagebalans's canonical form, for the plain ASCII typos planted here."""
    out, pending = [], False
    for ch in text.lower():
        if ch.isalnum():
            if pending and out:
                out.append(" ")
            pending = False
            out.append(ch)
        else:
            pending = True
    return "".join(out)


@dataclass
class Plan:
    """Per placement, what its evaluation rows plant; extra rows that plant on their own."""
    missing_final: set = field(default_factory=set)
    duplicate_final: set = field(default_factory=set)
    weeks_mismatch: set = field(default_factory=set)
    typo_rows: dict = field(default_factory=dict)  # placement key -> (site typed, discipline typed)
    findings: list = field(default_factory=list)

    def finding(self, code: str, key: str) -> None:
        self.findings.append({"code": code, "key": key})


def plant_findings(rng: random.Random, scheduler: Scheduler, plan: Plan) -> None:
    """Every finding code of SPEC §4, a few times each, on placements chosen at random."""
    framework_placed = [p for p in scheduler.placements if p.agreement.kind == "framework" and p.weeks >= 2]
    old_enough = [p for p in framework_placed if (AS_OF - p.end).days > 45]
    used = set()

    def pick(pool):
        candidates = [p for p in pool if id(p) not in used]
        chosen = rng.choice(candidates)
        used.add(id(chosen))
        return chosen

    for _ in range(3):
        p = pick(old_enough)
        plan.missing_final.add(id(p))
        plan.finding("EVALUATION_MISSING", placement_key(p))
    for _ in range(2):
        p = pick(old_enough)
        plan.duplicate_final.add(id(p))
        plan.finding("DUPLICATE_EVALUATION", placement_key(p))
    for _ in range(2):
        p = pick(old_enough)
        plan.weeks_mismatch.add(id(p))
        plan.finding("WEEKS_MISMATCH", placement_key(p))
    for typed_site, typed_discipline in (("AZ Groenige", None), ("Jesa Ziekenhuis", None), (None, "cardiolgie")):
        p = pick(old_enough)
        plan.typo_rows[id(p)] = (typed_site, typed_discipline)
        if typed_site:
            plan.finding("UNKNOWN_SITE", "site=" + canonical(typed_site))
        else:
            plan.finding("UNKNOWN_DISCIPLINE", "discipline=" + canonical(typed_discipline))

    # NO_AGREEMENT: placements at non-recognised sites whose individual agreement was never approved.
    # OUTSIDE_VALIDITY: an individual agreement that ends a week before the placement does.
    clinical = [c for c in DISC if c not in ("HK", "IG", "KS", "WET")]
    for code, count in (("NO_AGREEMENT", 2), ("OUTSIDE_VALIDITY", 2)):
        for index in range(count):
            student = f"r09990{10 + len(plan.findings):02d}"
            start = monday_on_or_after(dt.date(2025, 1, 6) + dt.timedelta(days=35 * index))
            p = scheduler.individual_placement(student, rng.choice(clinical), start, 4,
                                               valid_to_shift=-7 if code == "OUTSIDE_VALIDITY" else None,
                                               write_agreement=code == "OUTSIDE_VALIDITY")
            scheduler.placements.append(p)
            plan.finding(code, placement_key(p))

    # OVER_CAPACITY: one student more on an agreement that is full on every day of a placement.
    full = [p for p in old_enough if p.weeks >= 4 and scheduler.free(p.agreement, p.start, p.weeks) == 0 and id(p) not in used]
    p = rng.choice(full)
    extra = Placement("r0999001", p.site, p.discipline, p.start, p.weeks, p.kind, p.agreement)
    scheduler.take(p.agreement, p.start, p.weeks)
    scheduler.placements.append(extra)
    plan.finding("OVER_CAPACITY", f"site={p.site.code} discipline={p.agreement.discipline} from={p.start.isoformat()}")

    # OVERLAPPING_PLACEMENTS: a one-week placement abroad inside another of the same student.
    for _ in range(2):
        host = pick([q for q in old_enough if q.weeks >= 4])
        inner = scheduler.individual_placement(host.student, rng.choice(clinical), host.start + dt.timedelta(days=7), 1,
                                               site=rng.choice([s for s in scheduler.non_recognised if s.region == "abroad"]))
        scheduler.placements.append(inner)
        first, second = sorted([host, inner], key=lambda q: (q.start, q.end, q.site.code, q.discipline))
        plan.finding("OVERLAPPING_PLACEMENTS", placement_key(first) + " & " + placement_key(second))


def agreement_findings(framework: list[Agreement], placements: list[Placement], plan: Plan) -> None:
    """The info findings that follow from the agreements as generated: those ending within 90
    days of the as-of date, and those a reported year does not use."""
    years = sorted({p.start.year if p.start.month >= 7 else p.start.year - 1 for p in placements})
    # Every winner counts as used (SPEC §5, "Matching"): the placement's agreement and every other
    # agreement of its row (site and discipline) and kind that is valid over all of its days.
    row = {}
    for a in framework:
        row.setdefault((a.site.code, a.discipline), []).append(a)
    used = set()
    for p in placements:
        year = p.start.year if p.start.month >= 7 else p.start.year - 1
        used.add((p.agreement.agreement_id, year))
        for other in row.get((p.agreement.site.code, p.agreement.discipline), []):
            if other.kind == p.agreement.kind and other.valid_from <= p.start and p.end <= other.valid_to:
                used.add((other.agreement_id, year))
    for a in framework:
        if AS_OF <= a.valid_to <= AS_OF + dt.timedelta(days=90):
            plan.finding("AGREEMENT_EXPIRING", f"agreement={a.agreement_id}")
        for year in years:
            if a.valid_from <= dt.date(year + 1, 6, 30) and dt.date(year, 7, 1) <= a.valid_to and (a.agreement_id, year) not in used:
                plan.finding("AGREEMENT_UNUSED", f"agreement={a.agreement_id} year={year}-{year + 1}")


def second_agreement(framework: list[Agreement], placements: list[Placement], plan: Plan) -> Agreement:
    """A second framework agreement for a department that already has one (issue 18): valid from
    1 July 2025, it wins the placements of 2025-2026 together with the first, so it is used, and
    the placements still name the first (the lower id). The department is the first, in the
    agreements' order, with placements of 2025-2026 and no over-capacity planted."""
    over = {f["key"].split(" from=")[0] for f in plan.findings if f["code"] == "OVER_CAPACITY"}
    placed = {(p.agreement.agreement_id) for p in placements if p.start >= dt.date(2025, 7, 1) and p.agreement.kind == "framework"}
    for a in framework:
        if a.agreement_id in placed and a.site.region == "peripheral" and f"site={a.site.code} discipline={a.discipline}" not in over:
            return Agreement(f"RO-{len(framework) + 1:04d}", a.site, a.discipline, 1, dt.date(2025, 7, 1), dt.date(2028, 6, 30),
                             "framework", None, "Dr. A. Peeters")
    raise SystemExit("no department for the second agreement")


def write_agreements_csv(rng, path, rel, agreements, planted: Planted, second: Agreement | None = None):
    """Framework agreements as Excel on a Belgian Windows machine saves them; the bad rows are
    extra rows, so that the agreements themselves stay whole."""
    out = LineWriter("\r\n")
    header = ["Overeenkomst", "Stageplaats", "Discipline", "Capaciteit", "Geldig van", "Geldig tot", "Soort",
              "Student", "Stagemeester", "Opmerking", "", ""]
    out.record(";".join(header))
    bad_plan = {5: "capacity", 11: "valid_from", 17: "valid_to", 23: "discipline", 29: "ragged", 35: "kind"}

    def row_of(a: Agreement, remark: str = "") -> list[str]:
        return [a.agreement_id, typed_site_name(rng, a.site), typed_discipline(rng, a.discipline),
                str(a.slots) if rng.random() < 0.9 else f"{a.slots},0", fmt_date(rng, a.valid_from, "belgian"),
                fmt_date(rng, a.valid_to, "belgian"), rng.choice(["raamovereenkomst", "Raamovereenkomst", "erkend"]),
                "", a.supervisor, remark, "", ""]

    for index, a in enumerate(agreements):
        what = bad_plan.get(index)
        if what:
            bad = row_of(a)
            bad[0] = f"RO-9{index:03d}"
            line = out.line
            if what == "capacity":
                bad[3] = "twee"
                planted.bad(rel, line, "capacity", "capacity is not a whole number")
            elif what == "valid_from":
                bad[4] = "31/06/2025"
                planted.bad(rel, line, "valid_from", "31 June does not exist")
            elif what == "valid_to":
                bad[4], bad[5] = "01/07/2026", "30/06/2025"
                planted.bad(rel, line, "valid_to", "valid_to before valid_from")
            elif what == "discipline":
                bad[2] = ""
                planted.bad(rel, line, "discipline", "discipline missing")
            elif what == "kind":
                bad[6] = "misschien"
                planted.bad(rel, line, "kind", "unknown agreement kind")
            if what == "ragged":
                bad[8] = "Dr. Peeters; Dr. Janssens"  # an unquoted ';' shifts every later column
                planted.bad(rel, line, None, "more fields than the header: unquoted delimiter")
                out.record(";".join(bad))
            else:
                out.record(";".join(csv_field(v, ";") for v in bad))
        remark = ""
        if index % 41 == 3:
            remark = 'Afspraak "mondeling" bevestigd'
        elif index % 41 == 7:
            remark = "Contactpersoon: secretariaat\nLet op: parkeren via ingang B"
        elif index % 41 == 9:
            remark = "Vergoeding 25 € per week; niet voor 1e master"
        row = row_of(a, remark)
        line = out.line
        if remark:
            planted.quirk("quoted field with newline, quote or delimiter", rel, line)
        if "\u00a0" in row[1]:
            planted.quirk("non-breaking space in a site name", rel, line)
        if row[4].isdigit():
            planted.quirk("Excel serial date", rel, line)
        out.record(";".join(csv_field(v, ";") for v in row))
    # Written without the random generator, so that every other file stays as it was.
    if second is not None:
        out.record(";".join([second.agreement_id, second.site.name, DISC[second.discipline][0], str(second.slots), "01/07/2025",
                             "30/06/2028", "raamovereenkomst", "", second.supervisor, "tweede overeenkomst, zelfde dienst", "", ""]))
    first = agreements[0]
    planted.bad(rel, out.line, "agreement_id", f"agreement id {first.agreement_id} repeats line 2")
    out.record(";".join([first.agreement_id, "AZ Groeninge", "cardiologie", "2", "01/07/2025", "30/06/2028", "raamovereenkomst", "",
                         "Dr. A. Peeters", "hetzelfde nummer als de eerste", "", ""]))
    for _ in range(3):
        out.record(";" * (len(header) - 1))  # Excel's trailing empty rows
    planted.quirk("trailing empty rows", rel, out.line - 3)
    with open(path, "wb") as handle:
        handle.write(out.encode("cp1252"))


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def write_individual_xml(rng, path, rel, agreements, planted: Planted):
    """Individual agreements from the request procedure's system: a default namespace,
    values in attributes and children, declared as ISO-8859-1."""
    lines = LineWriter("\n")
    lines.record('<?xml version="1.0" encoding="ISO-8859-1"?>')
    lines.record("<!-- Export individuele overeenkomsten, aanvraagprocedure -->")
    lines.record('<aanvragen xmlns="urn:example:faculteit:aanvragen:1" versie="1.2">')

    def record(a: Agreement, number: str, student: str, valid_from: str, index: int) -> str:
        site_name = typed_site_name(rng, a.site)
        try:
            site_name.encode("latin-1")
            encodable = True
        except UnicodeEncodeError:
            encodable = False
        if index % 5 == 1 and encodable:
            site_xml = f"<![CDATA[{site_name}]]>"
            planted.quirk("CDATA", rel, lines.line)
        else:
            site_xml = "".join(f"&#{ord(ch)};" if ord(ch) > 127 else xml_escape(ch) for ch in site_name)
        return (f'  <aanvraag nummer="{number}" type="individuele overeenkomst">'
                f"<plaats land=\"{a.site.country}\">{site_xml}</plaats>"
                f"<discipline>{xml_escape(typed_discipline(rng, a.discipline))}</discipline>"
                f"<plaatsen>{a.slots}</plaatsen>"
                f'<periode van="{valid_from}" tot="{a.valid_to.isoformat()}"/>'
                f"<student>{student}</student><stagemeester>{xml_escape(a.supervisor)}</stagemeester></aanvraag>")

    for index, a in enumerate(agreements):
        if index == 4:
            planted.bad(rel, lines.line, "student", "individual agreement without a student")
            lines.record(record(a, "IO-9004", "", a.valid_from.isoformat(), index))
        if index == 9:
            planted.bad(rel, lines.line, "valid_from", "unreadable date")
            lines.record(record(a, "IO-9009", a.student or "", "2025/13/01", index))
        lines.record(record(a, a.agreement_id, a.student or "", a.valid_from.isoformat(), index))
    lines.record("</aanvragen>")
    with open(path, "wb") as handle:
        handle.write(lines.encode("latin-1", errors="xmlcharrefreplace"))


@dataclass
class EvaluationRow:
    student: str
    site: str
    discipline: str
    start: dt.date
    end: dt.date | None
    weeks: int
    kind: str
    role: str
    status: str
    scores: list  # three criteria, or empty
    final: float | None
    submitted: dt.date | None
    bad: str | None = None


def evaluation_rows(rng, p: Placement, plan: Plan, only_weeks: bool) -> list[EvaluationRow]:
    """One row per evaluator: residents or assistants during the placement, the supervisor at
    the end; planted findings change these rows, extra rows plant unknown names."""
    base = round(rng.uniform(11, 17.5) * 2) / 2
    done = p.end + dt.timedelta(days=rng.randint(3, 25))
    site, discipline = typed_site_name(rng, p.site), typed_discipline(rng, p.discipline)

    def criteria():
        return [min(20, max(0, base + rng.choice([-1, -0.5, 0, 0.5, 1]))) for _ in range(3)]

    def row(role, status, final, submitted, weeks=p.weeks, typed_site=site, typed_discipline=discipline):
        scores = [] if status == "open" else criteria()
        return EvaluationRow(p.student, typed_site, typed_discipline, p.start, None if only_weeks else p.end, weeks, p.kind,
                             role, status, scores, final, submitted)

    rows = [row("resident", "submitted", None, min(done, AS_OF))]
    if rng.random() >= 0.7:
        rows.append(row("assistant", "submitted", None, min(done, AS_OF)))
    if id(p) in plan.weeks_mismatch:
        rows.append(EvaluationRow(p.student, site, discipline, p.start, p.end, p.weeks + 1, p.kind, "resident", "submitted",
                                  criteria(), None, min(done, AS_OF)))
    if id(p) in plan.typo_rows:
        typed_site, typed_discipline_ = plan.typo_rows[id(p)]
        rows.append(row("resident", "submitted", None, min(done, AS_OF), typed_site=typed_site or site,
                        typed_discipline=typed_discipline_ or discipline))
    if id(p) in plan.missing_final or done > AS_OF:
        rows.append(row("supervisor", "open", None, None))
    else:
        rows.append(row("supervisor", "final", base, done))
        if id(p) in plan.duplicate_final:
            rows.append(row("supervisor", "final", base - 2 if base >= 12 else base + 2, done + dt.timedelta(days=3)))
    return rows


def bad_copy(row: EvaluationRow, what: str) -> EvaluationRow:
    """An extra, broken copy of a resident's row: quarantined, and nothing else changes."""
    copy = EvaluationRow(**{k: getattr(row, k) for k in row.__dataclass_fields__})
    copy.role, copy.status, copy.final, copy.bad = "resident", "submitted", None, what
    if not copy.scores:
        copy.scores = [14, 14, 14]
    return copy


# How each planted bad evaluation row is broken: the column it changes, the text put there, the
# logical field ingest must name, and why.
CSV_BAD_ROWS = {
    "score_range": (9, "24", "score_knowledge", "score above 20"),
    "score_text": (9, "goed", "score_knowledge", "score is a word"),
    "role": (7, "stagiair", "evaluator_role", "unknown role"),
    "start": (3, "", "start_date", "start date missing"),
    "status": (8, "??", "status", "unknown status"),
}


def write_evaluations_csv(rng, path, rel, placements, plan: Plan, planted: Planted):
    """A year of evaluations exported as CSV UTF-8 with BOM, comma-separated, English headers
    with capitals that vary."""
    out = LineWriter("\n")
    header = ["Student ID", "Site", "Discipline", "Start Date", "END DATE", "Weeks", "Placement kind", "Evaluator Role",
              "Status", "Knowledge and skills", "Contact with the patient", "Working with the medical team",
              "Final score", "Submitted"]
    out.record(",".join(header))
    bad_every = {17: "score_range", 61: "score_text", 113: "role", 167: "start", 229: "encoding", 283: "status"}
    count = 0
    for placement in placements:
        only_weeks = rng.random() < 0.15 and id(placement) not in plan.weeks_mismatch
        for r in evaluation_rows(rng, placement, plan, only_weeks):
            count += 1
            rows = [r]
            if count in bad_every:
                rows.insert(0, bad_copy(r, bad_every[count]))
            for e in rows:
                scores = [fmt_score(rng, c) for c in e.scores] if e.scores else ["", "", ""]
                fields = [e.student, e.site, e.discipline, fmt_date(rng, e.start, "iso-or-dashes"),
                          fmt_date(rng, e.end, "iso-or-dashes") if e.end else "", str(e.weeks), e.kind, e.role, e.status,
                          *scores, fmt_score(rng, e.final) if e.final is not None else "",
                          e.submitted.isoformat() if e.submitted else ""]
                line = out.line
                if e.bad in CSV_BAD_ROWS:
                    index, value, field_name, why = CSV_BAD_ROWS[e.bad]
                    fields[index] = value
                    planted.bad(rel, line, field_name, why)
                elif e.bad == "encoding":
                    fields[1] = "Caf\u00e9 Zorg"
                    planted.bad(rel, line, "site", "a Windows-1252 byte in a UTF-8 file")
                    out.record(",".join(csv_field(v, ",") for v in fields), encoding="cp1252")
                    continue
                text = ",".join(csv_field(v, ",") for v in fields)
                if not fields[-1] and rng.random() < 0.5:
                    text = text.rstrip(",")  # ragged: trailing empty fields left off
                    planted.quirk("ragged short row", rel, line)
                out.record(text)
    with open(path, "wb") as handle:
        handle.write(b"\xef\xbb\xbf" + out.encode("utf-8"))


def write_evaluations_xml(rng, path, rel, placements, plan: Plan, planted: Planted):
    """The other year from the new evaluation platform: a prefixed namespace, the student as
    an attribute, criteria told apart by an attribute."""
    lines = LineWriter("\n")
    lines.record('<?xml version="1.0" encoding="UTF-8"?>')
    lines.record('<ev:export xmlns:ev="urn:example:evaluaties:2" xmlns:meta="urn:example:meta" aangemaakt="2026-07-15">')
    lines.record("  <meta:bron>Evaluatieplatform &#8211; stages</meta:bron>")
    count = 0
    for placement in placements:
        for r in evaluation_rows(rng, placement, plan, only_weeks=False):
            count += 1
            rows = [r]
            if count in (41, 97):
                rows.insert(0, bad_copy(r, "final_range" if count == 41 else "end_before_start"))
            for e in rows:
                line = lines.line
                end = e.end.isoformat() if e.end else ""
                final = fmt_score(rng, e.final) if e.final is not None else ""
                if e.bad == "final_range":
                    final = "21/20"
                    planted.bad(rel, line, "final_score", "score above 20")
                elif e.bad == "end_before_start":
                    end = (e.start - dt.timedelta(days=3)).isoformat()
                    planted.bad(rel, line, "end_date", "end before start")
                site_xml = f"<![CDATA[{e.site}]]>" if "&" in e.site or count % 7 == 0 else xml_escape(e.site)
                crit = "".join(f'<ev:criterium naam="{name}">{fmt_score(rng, value)}</ev:criterium>'
                               for name, value in zip(("kennis", "patient", "team"), e.scores))
                lines.record(
                    f'  <ev:evaluatie student="{e.student}" rol="{e.role}" status="{e.status}">'
                    f"<ev:stageplaats>{site_xml}</ev:stageplaats><ev:discipline>{xml_escape(e.discipline)}</ev:discipline>"
                    f"<ev:periode><ev:start>{e.start.isoformat()}</ev:start><ev:einde>{end}</ev:einde>"
                    f"<ev:weken>{e.weeks}</ev:weken></ev:periode><ev:soort>{e.kind}</ev:soort>"
                    f"{crit}<ev:eindscore>{final}</ev:eindscore>"
                    f"<ev:ingediend>{e.submitted.isoformat() if e.submitted else ''}</ev:ingediend></ev:evaluatie>")
    lines.record("</ev:export>")
    with open(path, "wb") as handle:
        handle.write(lines.encode("utf-8"))


SITE_ALIASES = {
    "UZG": ["Universitair Ziekenhuis Gent", "UZ Gent campus Heymans"],
    "CHSP": ["UMC Sint-Pieter", "CHU St-Pierre"],
    "UZB": ["Universitair Ziekenhuis Brussel"],
    "ZOL": ["ZOL Genk"],
    "OLVA": ["Onze-Lieve-Vrouwziekenhuis Aalst"],
}
DISCIPLINE_ALIASES = {
    "PED": ["kindergeneeskunde"], "BV": ["radiologie", "medische beeldvorming"], "GYN": ["gynecologie", "verloskunde"],
    "HK": ["chirurgie"], "IG": ["inwendige geneeskunde"], "KS-NKO": ["NKO"], "HA": ["huisartsenstage"],
}
# Required weeks per clinical group. The scientific placement's group (WET) is named apart,
# as `scientific_group`: its required weeks are the scientific weeks (SPEC §5, "Progress rows").
CURRICULUM = {"HK": 8, "IG": 8, "PED": 4, "HA": 4, "GYN": 4, "BV": 2}
SCIENTIFIC_GROUP = "WET"
BLOCKS = [("Orientation with limited choice", 12), ("Free choice, at home or abroad", 12),
          ("Free choice for the specialty track", 8), ("Scientific placement", 16)]


def yaml_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_reference(folder: str, sites: list) -> None:
    """The office's hand-kept reference data for this faculty (SPEC §3)."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "sites.yml"), "w", encoding="utf-8") as handle:
        handle.write("# Site register of the sample faculty: one entry per site with an agreement or placements.\n")
        handle.write("# kind: hospital | gp-practice | other; region: central | peripheral | abroad.\n")
        handle.write("sites:\n")
        for site in sites:
            aliases = SITE_ALIASES.get(site.code, [])
            handle.write(f"  - code: {site.code}\n    name: {yaml_text(site.name)}\n")
            if aliases:
                handle.write("    aliases: [" + ", ".join(yaml_text(a) for a in aliases) + "]\n")
            handle.write(f"    kind: {site.kind}\n    region: {site.region}\n    city: {yaml_text(site.city)}\n"
                         f"    country: {site.country}\n")
        handle.write("\n# Aliases added later, e.g. pasted from `stagebalans suggest-aliases`:\n#   - {alias: \"AZ Groenige\", site: AZGR}\naliases:\n")
    with open(os.path.join(folder, "disciplines.yml"), "w", encoding="utf-8") as handle:
        handle.write("# Discipline taxonomy: a sub-discipline names its group as parent and counts towards it.\n")
        handle.write("disciplines:\n")
        for code, nl, en, parent in DISCIPLINES:
            handle.write(f"  - code: {code}\n    nl: {yaml_text(nl)}\n    en: {yaml_text(en)}\n")
            if code in DISCIPLINE_ALIASES:
                handle.write("    aliases: [" + ", ".join(yaml_text(a) for a in DISCIPLINE_ALIASES[code]) + "]\n")
            if parent:
                handle.write(f"    parent: {parent}\n")
    with open(os.path.join(folder, "curriculum.yml"), "w", encoding="utf-8") as handle:
        handle.write("# The model trajectory of SPEC §1: required weeks per discipline group and per block.\n")
        handle.write("required_weeks:\n")
        for code, weeks in CURRICULUM.items():
            handle.write(f"  {code}: {weeks}   # {DISC[code][1]}\n")
        handle.write("blocks:\n")
        for name, weeks in BLOCKS:
            handle.write(f"  - {{name: {yaml_text(name)}, weeks: {weeks}}}\n")
        handle.write("clinical_weeks: 62\nscientific_weeks: 16\n")
        handle.write(f"# The scientific placement's group: its weeks are the SCIENTIFIC progress row, not a row of\n"
                     f"# its own; in coverage its required weeks are scientific_weeks.\nscientific_group: {SCIENTIFIC_GROUP}\n")
        handle.write("pass_mark: 10\n")


def write_roster(path, students, rng):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("studentnummer\tmasterjaar\tcohort\n")
        for student in students:
            handle.write(f"{student}\t{rng.choice([2, 3])}\t{rng.choice(['2021-2022', '2022-2023'])}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "samples"))
    parser.add_argument("--students", type=int, default=260)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--capacity-scale", type=int, default=1,
                        help="multiply every agreement's slots, to place many more students (benchmarks)")
    parser.add_argument("--reference-out", default=os.path.join(os.path.dirname(__file__), "..", "pipelines", "sample"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)

    sites = all_sites()
    students = [f"r0{800000 + 137 * i:06d}" for i in range(args.students)]
    framework = make_agreements(rng, sites, args.capacity_scale)
    scheduler = Scheduler(rng, sites, framework)
    scheduler.schedule(students)
    plan = Plan()
    plant_findings(rng, scheduler, plan)
    second = second_agreement(framework, scheduler.placements, plan)
    agreement_findings(framework + [second], scheduler.placements, plan)
    placements = sorted(scheduler.placements, key=lambda p: (p.start, p.student, p.site.code, p.discipline))
    individual = scheduler.individual
    planted = Planted()

    def target(name):
        return os.path.join(args.out, name), "samples/" + name

    write_agreements_csv(rng, *target("agreements_framework.csv"), framework, planted, second)
    write_individual_xml(rng, *target("agreements_individual.xml"), individual, planted)
    first_year = [p for p in placements if p.start < dt.date(2025, 7, 1)]
    second_year = [p for p in placements if p.start >= dt.date(2025, 7, 1)]
    write_evaluations_csv(rng, *target("evaluations_2024-2025.csv"), first_year, plan, planted)
    write_evaluations_xml(rng, *target("evaluations_2025-2026.xml"), second_year, plan, planted)
    write_roster(os.path.join(args.out, "roster.tsv"), students, rng)
    write_reference(args.reference_out, sites)
    write_sample_workbooks(args.out, planted.bad_rows, AS_OF)

    summary = {
        "seed": args.seed, "students": len(students), "sites": len(sites), "framework_agreements": len(framework),
        "individual_agreements": len(individual), "placements": len(placements),
        "bad_rows": sorted(planted.bad_rows, key=lambda r: (r["path"], r["line"])),
        "quirks": {k: v[:5] for k, v in sorted(planted.quirks.items())},
        "as_of": AS_OF.isoformat(),
        "findings": sorted(plan.findings, key=lambda f: (f["code"], f["key"])),
    }
    with open(os.path.join(args.out, "PLANTED.json"), "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


if __name__ == "__main__":
    main()
