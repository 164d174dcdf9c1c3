#!/usr/bin/env python3
"""A faculty of any size for the end-to-end benchmark: a site register, framework and
individual agreements, and evaluation exports in CSV and XML holding the same rows.

    python3 scripts/generate_scaled.py --rows 1000000 --sites 1000 --agreements 5000 --out bench-data/scale-1m

--agreements framework agreements; individual agreements come on top, one per placement at a
non-recognised site (--individual of the placements).

Deterministic by --seed. Every placement has --evaluators rows (resident, assistant, ...,
the supervisor's final row last). --quirks is the share of rows whose site or discipline is
typed as an alias, in other case or with doubled spaces; --bad the share of rows with an
impossible start date (quarantined). Writes:
  ref/sites.yml, ref/disciplines.yml, ref/curriculum.yml   the reference data stagebalans reads
  ref/site_names.csv, ref/discipline_names.csv, ref/sites.csv, ref/disciplines.csv,
  ref/required_weeks.csv                                   the same reference data as tables, for the DuckDB peer
  agreements.csv, evaluations.csv, evaluations.xml
  faculty.yml (CSV evaluations), faculty-xml.yml (XML evaluations)
"""
import argparse
import datetime as dt
import os
import random
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PREFIXES = ["AZ", "Ziekenhuis", "Kliniek", "Algemeen Ziekenhuis", "Sint-Jozefskliniek", "Regionaal Ziekenhuis"]
PLACES = ["Aalst", "Brugge", "Gent", "Kortrijk", "Hasselt", "Genk", "Leuven", "Mechelen", "Turnhout", "Roeselare", "Ieper",
          "Oostende", "Knokke", "Lier", "Geel", "Mol", "Tienen", "Diest", "Lokeren", "Ninove", "Zottegem", "Eeklo", "Tielt"]


def canonical_key(text):
    """What the DuckDB peer compares: lower case, spaces collapsed, trimmed."""
    return re.sub(r"\s+", " ", text).strip().lower()


def load_disciplines():
    """(code, nl, en, parent, aliases) from the sample taxonomy, read line by line."""
    entries, current = [], None
    for line in open(os.path.join(ROOT, "pipelines/sample/disciplines.yml"), encoding="utf-8"):
        line = line.rstrip()
        if line.strip().startswith("- code:"):
            current = {"code": line.split(":", 1)[1].strip(), "parent": None, "aliases": []}
            entries.append(current)
        elif current is not None and ":" in line and not line.strip().startswith("#"):
            key, value = line.strip().split(":", 1)
            value = value.strip()
            if key == "aliases":
                current["aliases"] = re.findall(r'"([^"]*)"', value)
            elif key in ("nl", "en", "parent"):
                current[key] = value.strip('"')
    return entries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--agreements", type=int, default=5000)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--evaluators", type=int, default=3)
    parser.add_argument("--quirks", type=float, default=0.05)
    parser.add_argument("--bad", type=float, default=0.0005)
    parser.add_argument("--individual", type=float, default=0.01,
                        help="share of placements at non-recognised sites with an individual agreement")
    parser.add_argument("--unmatched", type=float, default=0.04, help="share of placements at a random site, mostly without agreement")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--first-year", type=int, default=2024)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = args.out
    os.makedirs(os.path.join(out, "ref"), exist_ok=True)

    # Reference data: the sample taxonomy and curriculum; a register of --sites sites.
    shutil.copy(os.path.join(ROOT, "pipelines/sample/disciplines.yml"), os.path.join(out, "ref/disciplines.yml"))
    shutil.copy(os.path.join(ROOT, "pipelines/sample/curriculum.yml"), os.path.join(out, "ref/curriculum.yml"))
    disciplines = load_disciplines()
    by_code = {d["code"]: d for d in disciplines}
    groups = [d["code"] for d in disciplines if not d["parent"]]
    children = {g: [d["code"] for d in disciplines if d["parent"] == g] for g in groups}
    sites = []
    for index in range(args.sites):
        roll = rng.random()
        kind = "hospital" if roll < 0.85 else ("gp-practice" if roll < 0.93 else "other")
        region = "central" if index % 50 == 0 else ("abroad" if kind == "other" and index % 3 == 0 else "peripheral")
        place = PLACES[index % len(PLACES)]
        name = f"{PREFIXES[index % len(PREFIXES)]} {place} {index + 1}" if kind != "gp-practice" else f"Huisartsenpraktijk {place} {index + 1}"
        sites.append({"code": f"S{index + 1:04d}", "name": name, "alias": f"Campus {place} nr {index + 1}", "kind": kind,
                      "region": region, "city": place})
    with open(os.path.join(out, "ref/sites.yml"), "w", encoding="utf-8") as f:
        f.write("sites:\n")
        for s in sites:
            f.write(f'  - {{code: {s["code"]}, name: "{s["name"]}", aliases: ["{s["alias"]}"], kind: {s["kind"]}, '
                    f'region: {s["region"]}, city: "{s["city"]}", country: {"FR" if s["region"] == "abroad" else "BE"}}}\n')
    with open(os.path.join(out, "ref/sites.csv"), "w", encoding="utf-8") as f:
        f.write("code,kind,region\n")
        for s in sites:
            f.write(f'{s["code"]},{s["kind"]},{s["region"]}\n')
    with open(os.path.join(out, "ref/site_names.csv"), "w", encoding="utf-8") as f:
        f.write("name,code\n")
        for s in sites:
            for name in (s["code"], s["name"], s["alias"]):
                f.write(f'"{canonical_key(name)}",{s["code"]}\n')
    with open(os.path.join(out, "ref/disciplines.csv"), "w", encoding="utf-8") as f:
        f.write("code,parent\n")
        for d in disciplines:
            f.write(f'{d["code"]},{d["parent"] or ""}\n')
    with open(os.path.join(out, "ref/discipline_names.csv"), "w", encoding="utf-8") as f:
        f.write("name,code\n")
        for d in disciplines:
            for name in [d["code"], d["nl"], d["en"]] + d["aliases"]:
                f.write(f'"{canonical_key(name)}",{d["code"]}\n')
    # Required weeks per group; the scientific group (`scientific_group:`) has the scientific weeks.
    required, scientific = {}, {}
    for line in open(os.path.join(ROOT, "pipelines/sample/curriculum.yml"), encoding="utf-8"):
        m = re.match(r"\s+([A-Z]+):\s*(\d+)", line)
        if m:
            required[m.group(1)] = int(m.group(2))
        m = re.match(r"(scientific_group|scientific_weeks):\s*(\w+)", line)
        if m:
            scientific[m.group(1)] = m.group(2)
    if "scientific_group" in scientific:
        required[scientific["scientific_group"]] = int(scientific["scientific_weeks"])
    with open(os.path.join(out, "ref/required_weeks.csv"), "w", encoding="utf-8") as f:
        f.write("discipline_group,required_weeks\n")
        for code, weeks in sorted(required.items()):
            f.write(f"{code},{weeks}\n")

    # Framework agreements at recognised sites.
    first = dt.date(args.first_year, 7, 1)
    last = dt.date(args.first_year + args.years, 6, 30)
    recognised = [s for s in sites if s["kind"] != "other"]
    others = [s for s in sites if s["kind"] == "other"]
    agreements = []
    for index in range(args.agreements):
        site = rng.choice(recognised)
        group = rng.choice(groups)
        discipline = group if not children[group] or rng.random() < 0.3 else rng.choice(children[group])
        roll = rng.random()
        if roll < 0.7:
            start, end = first, last
        else:
            year = args.first_year + rng.randrange(args.years)
            start, end = dt.date(year, 7, 1), dt.date(year + 1, 6, 30)
            if roll > 0.9:
                end = dt.date(year, 12, 31)
        agreements.append({"id": f"FA{index + 1:05d}", "site": site, "discipline": discipline, "slots": rng.randint(1, 6),
                           "from": start, "to": end, "kind": "erkend", "student": ""})

    # Placements: per student and year, consecutive 4-week placements; mostly where an
    # agreement is, some at non-recognised sites with an individual agreement, some with none.
    framework = list(agreements)
    placements_per_year = 10
    students = max(1, args.rows // (args.years * placements_per_year * args.evaluators))
    individual = 0
    rows = []
    for number in range(students):
        student = f"r{1000000 + number:07d}"
        for year in range(args.years):
            day = dt.date(args.first_year + year, 7, 1) + dt.timedelta(days=7 * rng.randrange(0, 8))
            day -= dt.timedelta(days=day.weekday())
            for _ in range(placements_per_year):
                roll = rng.random()
                if roll < 1 - args.individual - args.unmatched:
                    agreement = rng.choice(framework)
                    site = agreement["site"]
                    discipline = agreement["discipline"]
                    if not by_code[discipline]["parent"] and children[discipline] and rng.random() < 0.5:
                        discipline = rng.choice(children[discipline])
                elif roll < 1 - args.unmatched and others:
                    site = rng.choice(others)
                    discipline = rng.choice(groups)
                    individual += 1
                    agreements.append({"id": f"IA{individual:06d}", "site": site, "discipline": discipline, "slots": 1,
                                       "from": day - dt.timedelta(days=14), "to": day + dt.timedelta(days=60),
                                       "kind": "individueel", "student": student})
                else:
                    site = rng.choice(sites)
                    discipline = rng.choice([d["code"] for d in disciplines])
                start, end = day, day + dt.timedelta(days=27)
                final = rng.randint(16, 38) / 2
                missing_final = rng.random() < 0.02
                for evaluator in range(args.evaluators):
                    is_final = evaluator == args.evaluators - 1
                    if is_final and missing_final:
                        continue
                    role = "supervisor" if is_final else ("resident" if evaluator % 2 == 0 else "assistant")
                    typed_site, typed_discipline = site["name"], by_code[discipline]["nl"]
                    if rng.random() < args.quirks:
                        quirk = rng.randrange(3)
                        if quirk == 0:
                            typed_site = site["alias"]
                        elif quirk == 1:
                            typed_site = typed_site.upper()
                            typed_discipline = by_code[discipline]["en"]
                        else:
                            typed_site = typed_site.replace(" ", "  ")
                            typed_discipline = typed_discipline.upper()
                    start_text = start.isoformat()
                    if rng.random() < args.bad:
                        start_text = f"{start.year}-02-30"
                    scores = [rng.randint(16, 38) / 2 for _ in range(3)]
                    rows.append((student, typed_site, typed_discipline, start_text, end.isoformat(), "4", "hospital", role,
                                 "final" if is_final else "submitted", scores, f"{final:g}" if is_final else "",
                                 (end + dt.timedelta(days=rng.randint(1, 20))).isoformat()))
                day = end + dt.timedelta(days=1 + 7 * rng.randrange(0, 2))

    with open(os.path.join(out, "agreements.csv"), "w", encoding="utf-8") as f:
        f.write("agreement_id,site,discipline,capacity,valid_from,valid_to,kind,student\n")
        for a in agreements:
            f.write(f'{a["id"]},"{a["site"]["name"]}","{by_code[a["discipline"]]["nl"]}",{a["slots"]},{a["from"].isoformat()},'
                    f'{a["to"].isoformat()},{a["kind"]},{a["student"]}\n')
    with open(os.path.join(out, "evaluations.csv"), "w", encoding="utf-8") as f:
        f.write("student,site,discipline,start_date,end_date,weeks,placement_kind,evaluator_role,status,"
                "score_knowledge,score_patient,score_team,final_score,submitted\n")
        for r in rows:
            f.write(f'{r[0]},"{r[1]}","{r[2]}",{r[3]},{r[4]},{r[5]},{r[6]},{r[7]},{r[8]},'
                    f'{r[9][0]:g},{r[9][1]:g},{r[9][2]:g},{r[10]},{r[11]}\n')
    with open(os.path.join(out, "evaluations.xml"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<evaluaties xmlns="urn:example:bench">\n')
        for r in rows:
            site = r[1].replace("&", "&amp;")
            f.write(f'<evaluatie student="{r[0]}" rol="{r[7]}" status="{r[8]}"><stageplaats>{site}</stageplaats>'
                    f'<discipline>{r[2]}</discipline><start>{r[3]}</start><einde>{r[4]}</einde><weken>{r[5]}</weken>'
                    f'<soort>{r[6]}</soort><kennis>{r[9][0]:g}</kennis><patient>{r[9][1]:g}</patient><team>{r[9][2]:g}</team>'
                    + (f'<eindscore>{r[10]}</eindscore>' if r[10] else "") + f'<ingediend>{r[11]}</ingediend></evaluatie>\n')
        f.write("</evaluaties>\n")

    as_of = f"{args.first_year + args.years}-06-15"
    # Two runs kept: at 10 M rows a run folder is ~1 GB, and benchmark rounds publish often.
    common = f"""output: out
keep_runs: 2
reference: {{sites: ref/sites.yml, disciplines: ref/disciplines.yml, curriculum: ref/curriculum.yml}}
as_of: {as_of}
report:
  formats: [csv, json, markdown, html]
"""
    agreements_source = ('  - {name: agreements, kind: agreements, format: csv, path: agreements.csv, encoding: utf-8, '
                         'delimiter: ",", dates: ["yyyy-m-d"]}\n')
    with open(os.path.join(out, "faculty.yml"), "w", encoding="utf-8") as f:
        f.write("name: scaled faculty (CSV)\n" + common + "sources:\n" + agreements_source
                + '  - {name: evaluations, kind: evaluations, format: csv, path: evaluations.csv, encoding: utf-8, '
                  'delimiter: ",", dates: ["yyyy-m-d"]}\n')
    with open(os.path.join(out, "faculty-xml.yml"), "w", encoding="utf-8") as f:
        f.write("name: scaled faculty (XML)\n" + common.replace("output: out", "output: out-xml") + "sources:\n" + agreements_source
                + """  - name: evaluations
    kind: evaluations
    format: xml
    path: evaluations.xml
    record: b:evaluatie
    namespaces: {b: "urn:example:bench"}
    fields:
      student: "@student"
      evaluator_role: "@rol"
      status: "@status"
      site: b:stageplaats
      discipline: b:discipline
      start_date: b:start
      end_date: b:einde
      weeks: b:weken
      placement_kind: b:soort
      score_knowledge: b:kennis
      score_patient: b:patient
      score_team: b:team
      final_score: b:eindscore
      submitted: b:ingediend
    dates: ["yyyy-m-d"]
""")
    print(f"{len(rows)} evaluation rows, {students} students, {len(sites)} sites, {len(agreements)} agreements "
          f"({individual} individual) in {out}")


if __name__ == "__main__":
    main()
