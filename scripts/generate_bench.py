#!/usr/bin/env python3
"""Writes large evaluation exports for the ingest benchmark: the same shape as
samples/evaluations_2024-2025.csv (CSV UTF-8 with BOM, ',') and as
samples/evaluations_2025-2026.xml (prefixed namespace), with the same rows in both.

    python3 scripts/generate_bench.py --rows 2000000 --out bench-data
Deterministic by --seed. Quirks kept: mixed score forms, quoted decimal commas, varying
site spellings, rows with weeks and no end date; about one row in 10,000 is bad.
"""
import argparse
import datetime as dt
import os
import random

SITES = ["UZ Gent", "AZ Groeninge", "AZ Sint-Jan Brugge", "A.Z. Delta", "AZ SINT-LUCAS GENT", "AZ Maria Middelares",
         "ZNA Middelheim", "GZA Sint-Augustinus", "Jessa Ziekenhuis", "Ziekenhuis Oost-Limburg", "AZ Turnhout",
         "Imelda Ziekenhuis", "AZ St.-Maarten", "OLV Ziekenhuis Aalst", "UZ Brussel", "CHU Saint-Pierre",
         "Hôpital Necker-Enfants malades", "Huisartsenpraktijk De Linde", "AZ Groeninge - campus Kortrijk"]
DISCIPLINES = ["cardiologie", "geriatrie", "oncologie", "orthopedie", "kinderheelkunde", "neurochirurgie", "pediatrie",
               "huisartsgeneeskunde", "gynaecologie-verloskunde", "beeldvorming", "urologie", "psychiatrie",
               "spoedgeneeskunde", "interne geneeskunde", "heelkunde"]
ROLES = [("resident", "submitted"), ("assistant", "submitted"), ("supervisor", "final")]


def score(rng):
    value = rng.randint(20, 38) / 2
    form = rng.random()
    if form < 0.55:
        return f'"{value:g}"'.replace(".", ",") if value != int(value) else f"{value:g}"
    if form < 0.75:
        return f"{value:g}"
    if form < 0.9:
        return f"{value:g}/20"
    return f"{value * 5:g}%"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--out", default="bench-data")
    parser.add_argument("--xml-rows", type=int, default=420_000, help="XML rows are about 4.5 times longer")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    base = dt.date(2024, 7, 1)
    days = [(base + dt.timedelta(days=7 * w)) for w in range(104)]
    header = ("Student ID,Site,Discipline,Start Date,END DATE,Weeks,Placement kind,Evaluator Role,Status,"
              "Knowledge and skills,Contact with the patient,Working with the medical team,Final score,Submitted\n")
    with open(os.path.join(args.out, "evaluations.csv"), "w", encoding="utf-8", newline="") as csv_file, \
            open(os.path.join(args.out, "evaluations.xml"), "w", encoding="utf-8", newline="") as xml_file:
        csv_file.write("\ufeff" + header)
        xml_file.write('<?xml version="1.0" encoding="UTF-8"?>\n<ev:export xmlns:ev="urn:example:evaluaties:2">\n')
        csv_lines, xml_lines = [], []
        for index in range(args.rows):
            student = f"r0{800000 + rng.randrange(40000):06d}"
            site = rng.choice(SITES)
            discipline = rng.choice(DISCIPLINES)
            start = rng.choice(days)
            weeks = rng.choice((2, 4, 4, 8))
            end = start + dt.timedelta(days=7 * weeks - 1)
            role, status = rng.choice(ROLES)
            k, p, t = score(rng), score(rng), score(rng)
            final = score(rng) if role == "supervisor" else ""
            submitted = (end + dt.timedelta(days=rng.randint(1, 20))).isoformat()
            end_text = "" if rng.random() < 0.15 else end.isoformat()
            if index % 10_007 == 5:
                k = "24"
            csv_lines.append(f"{student},{site},{discipline},{start.isoformat()},{end_text},{weeks},hospital,{role},{status},"
                             f"{k},{p},{t},{final},{submitted}\n")
            if index < args.xml_rows:
                site_xml = site.replace("&", "&amp;")
                xml_lines.append(
                    f'  <ev:evaluatie student="{student}" rol="{role}" status="{status}"><ev:stageplaats>{site_xml}</ev:stageplaats>'
                    f"<ev:discipline>{discipline}</ev:discipline><ev:periode><ev:start>{start.isoformat()}</ev:start>"
                    f"<ev:einde>{end_text}</ev:einde><ev:weken>{weeks}</ev:weken></ev:periode><ev:soort>hospital</ev:soort>"
                    f'<ev:criterium naam="kennis">{k.strip(chr(34))}</ev:criterium><ev:criterium naam="patient">{p.strip(chr(34))}</ev:criterium>'
                    f'<ev:criterium naam="team">{t.strip(chr(34))}</ev:criterium><ev:eindscore>{final.strip(chr(34))}</ev:eindscore>'
                    f"<ev:ingediend>{submitted}</ev:ingediend></ev:evaluatie>\n")
            if len(csv_lines) >= 50_000 or len(xml_lines) >= 50_000:
                csv_file.write("".join(csv_lines))
                xml_file.write("".join(xml_lines))
                csv_lines, xml_lines = [], []
        csv_file.write("".join(csv_lines))
        xml_file.write("".join(xml_lines))
        xml_file.write("</ev:export>\n")


if __name__ == "__main__":
    main()
