#!/usr/bin/env python3
"""The peer of the end-to-end benchmark: SPEC §5's capacity, coverage and audit figures
computed with DuckDB from the CSV files that scripts/generate_scaled.py writes (agreements,
evaluations and the reference data as tables), as a data engineer would without stagebalans.

    python3 scripts/duckdb_peer.py DATA_FOLDER OUT_FOLDER [--threads N]
    python3 scripts/duckdb_peer.py DATA_FOLDER OUT_FOLDER --compare RUN_FOLDER   # and check the figures

It implements SPEC §4-§5's precise readings: names resolved by a lower-cased, space-collapsed
form against the register's names and aliases; rows with an impossible start date dropped;
evaluation rows collapsed per (student, site, discipline, start) with the end most rows
state; matching to agreements at the site for the discipline or its group, valid for all of
the placement's dates, the most specific first, individual over framework, lowest id; day-based
slots, peak and over-capacity days; rounding half up from exact integers. With --compare it
reads stagebalans's capacity.csv, coverage.csv and audit.csv of a run and says whether every
row is equal (exit 1 when not), so that the benchmark compares equal work.
"""
import argparse
import csv
import os
import sys

import duckdb

SQL = r"""
CREATE MACRO canon(x) AS lower(trim(regexp_replace(x, '\s+', ' ', 'g')));
CREATE MACRO py(d) AS CASE WHEN month(d) >= 7 THEN year(d) ELSE year(d) - 1 END;
-- Half up: round(n / d) to k decimals, as text, from integers.
CREATE MACRO ratio1(n, d) AS CASE WHEN d > 0 THEN
  printf('%d.%d', ((2 * n * 10 + d) // (2 * d)) // 10, ((2 * n * 10 + d) // (2 * d)) % 10) END;
CREATE MACRO ratio3(n, d) AS CASE WHEN d > 0 THEN
  printf('%d.%03d', ((2 * n * 1000 + d) // (2 * d)) // 1000, ((2 * n * 1000 + d) // (2 * d)) % 1000) END;
CREATE MACRO mean2(sum2, c) AS CASE WHEN c >= 5 THEN
  printf('%d.%02d', ((100 * sum2 + c) // (2 * c)) // 100, ((100 * sum2 + c) // (2 * c)) % 100) END;

CREATE TABLE site_names AS SELECT * FROM read_csv('{data}/ref/site_names.csv', header = true, all_varchar = true);
CREATE TABLE discipline_names AS SELECT * FROM read_csv('{data}/ref/discipline_names.csv', header = true, all_varchar = true);
CREATE TABLE sites AS SELECT * FROM read_csv('{data}/ref/sites.csv', header = true, all_varchar = true);
CREATE TABLE disciplines AS SELECT code, NULLIF(parent, '') AS parent, coalesce(NULLIF(parent, ''), code) AS grp
  FROM read_csv('{data}/ref/disciplines.csv', header = true, all_varchar = true);
CREATE TABLE required AS SELECT * FROM read_csv('{data}/ref/required_weeks.csv', header = true);
CREATE TABLE lineage AS
  SELECT code AS discipline, code AS ancestor, 0 AS depth FROM disciplines
  UNION ALL SELECT code, parent, 1 FROM disciplines WHERE parent IS NOT NULL;

CREATE TABLE agreements AS
SELECT a.agreement_id AS id, sn.code AS site, dn.code AS discipline, CAST(a.capacity AS INTEGER) AS slots,
       TRY_CAST(a.valid_from AS DATE) AS valid_from, TRY_CAST(a.valid_to AS DATE) AS valid_to,
       CASE WHEN a.kind = 'individueel' THEN 'individual' ELSE 'framework' END AS kind, NULLIF(a.student, '') AS student
FROM read_csv('{data}/agreements.csv', header = true, all_varchar = true) a
JOIN site_names sn ON sn.name = canon(a.site)
JOIN discipline_names dn ON dn.name = canon(a.discipline);

CREATE TABLE ev AS
SELECT e.student, sn.code AS site, dn.code AS discipline, TRY_CAST(e.start_date AS DATE) AS start,
       TRY_CAST(e.end_date AS DATE) AS end_, e.evaluator_role AS role, e.status,
       TRY_CAST(e.final_score AS DECIMAL(6, 2)) AS final, TRY_CAST(e.score_knowledge AS DECIMAL(6, 2)) AS k,
       TRY_CAST(e.score_patient AS DECIMAL(6, 2)) AS p, TRY_CAST(e.score_team AS DECIMAL(6, 2)) AS t,
       TRY_CAST(e.submitted AS DATE) AS submitted
FROM read_csv('{data}/evaluations.csv', header = true, all_varchar = true) e
JOIN site_names sn ON sn.name = canon(e.site)
JOIN discipline_names dn ON dn.name = canon(e.discipline)
WHERE TRY_CAST(e.start_date AS DATE) IS NOT NULL;

CREATE TABLE placements AS
WITH ends AS (
  SELECT student, site, discipline, start, end_, count(*) AS n FROM ev WHERE end_ IS NOT NULL GROUP BY ALL),
chosen AS (
  SELECT *, row_number() OVER (PARTITION BY student, site, discipline, start ORDER BY n DESC, end_ DESC) AS r FROM ends),
finals AS (
  SELECT student, site, discipline, start, final, k, p, t,
         row_number() OVER (PARTITION BY student, site, discipline, start
                            ORDER BY coalesce(submitted, DATE '0001-01-01') DESC, final ASC) AS r
  FROM ev WHERE role = 'supervisor' AND status = 'final' AND final IS NOT NULL)
SELECT row_number() OVER () AS pid, c.student, c.site, c.discipline, d.grp, c.start, c.end_,
       (date_diff('day', c.start, c.end_) + 7) // 7 AS weeks, py(c.start) AS year,
       f.final, f.k, f.p, f.t
FROM chosen c JOIN disciplines d ON d.code = c.discipline
LEFT JOIN finals f ON f.student = c.student AND f.site = c.site AND f.discipline = c.discipline AND f.start = c.start AND f.r = 1
WHERE c.r = 1;

CREATE TABLE matched AS
WITH candidates AS (
  SELECT p.pid, a.id, a.kind, a.site AS a_site, a.discipline AS a_discipline, l.depth,
         row_number() OVER (PARTITION BY p.pid ORDER BY l.depth, (a.kind = 'individual') DESC, a.id) AS r
  FROM placements p
  JOIN lineage l ON l.discipline = p.discipline
  JOIN agreements a ON a.site = p.site AND a.discipline = l.ancestor AND (a.kind = 'framework' OR a.student = p.student)
  WHERE a.valid_from <= p.start AND p.end_ <= a.valid_to)
SELECT p.*, c.id AS agreement, c.kind AS agreement_kind,
       coalesce(c.a_site, p.site) AS row_site, coalesce(c.a_discipline, p.grp) AS row_discipline
FROM placements p LEFT JOIN candidates c ON c.pid = p.pid AND c.r = 1;

CREATE TABLE years AS SELECT DISTINCT year, make_date(year, 7, 1) AS first_day, make_date(year + 1, 6, 30) AS last_day
  FROM placements;
CREATE TABLE inside AS
SELECT y.year, a.*, date_diff('day', greatest(a.valid_from, y.first_day), least(a.valid_to, y.last_day)) + 1 AS days
FROM agreements a, years y
WHERE a.valid_from <= y.last_day AND y.first_day <= a.valid_to;

CREATE TABLE capacity AS
WITH keys AS (
  SELECT DISTINCT year, row_site AS site, row_discipline AS discipline FROM matched
  UNION SELECT year, site, discipline FROM inside WHERE kind = 'framework'),
slot_days AS (
  SELECT year, site, discipline, sum(slots * days) AS slot_days FROM inside WHERE kind = 'framework' GROUP BY ALL),
used AS (
  SELECT year, row_site AS site, row_discipline AS discipline, sum(weeks) AS used_weeks, count(*) AS placements,
         count(DISTINCT student) AS students
  FROM matched GROUP BY ALL),
load_days AS (
  SELECT m.row_site AS site, m.row_discipline AS discipline, d.day, count(*) AS load
  FROM matched m, LATERAL (SELECT unnest(generate_series(m.start, m.end_, INTERVAL 1 DAY))::DATE AS day) d
  GROUP BY ALL),
slot_by_day AS (
  SELECT a.site, a.discipline, d.day, sum(a.slots) AS slots
  FROM agreements a, LATERAL (SELECT unnest(generate_series(a.valid_from, a.valid_to, INTERVAL 1 DAY))::DATE AS day) d
  WHERE a.kind = 'framework' GROUP BY ALL),
days AS (
  SELECT k.year, k.site, k.discipline, coalesce(l.load, 0) AS load, coalesce(s.slots, 0) AS slots
  FROM keys k JOIN years y ON y.year = k.year
  LEFT JOIN load_days l ON l.site = k.site AND l.discipline = k.discipline AND l.day BETWEEN y.first_day AND y.last_day
  FULL JOIN slot_by_day s ON s.site = k.site AND s.discipline = k.discipline AND s.day = l.day),
day_figures AS (
  SELECT k.year, k.site, k.discipline, max(d.day_slots) AS slots, max(d.day_load) AS peak,
         count(*) FILTER (WHERE d.day_slots > 0 AND d.day_load > d.day_slots) AS over_days
  FROM keys k JOIN years y ON y.year = k.year
  LEFT JOIN (
    SELECT coalesce(l.site, s.site) AS site, coalesce(l.discipline, s.discipline) AS discipline, coalesce(l.day, s.day) AS day,
           coalesce(l.load, 0) AS day_load, coalesce(s.slots, 0) AS day_slots
    FROM load_days l FULL JOIN slot_by_day s ON s.site = l.site AND s.discipline = l.discipline AND s.day = l.day) d
    ON d.site = k.site AND d.discipline = k.discipline AND d.day BETWEEN y.first_day AND y.last_day
  GROUP BY ALL)
SELECT k.site, k.discipline, printf('%d-%d', k.year, k.year + 1) AS year, coalesce(f.slots, 0) AS slots,
       coalesce(ratio1(coalesce(sd.slot_days, 0), 7), '0.0') AS capacity_weeks,
       coalesce(u.used_weeks, 0) AS used_weeks, coalesce(u.placements, 0) AS placements, coalesce(u.students, 0) AS students,
       ratio3(coalesce(u.used_weeks, 0) * 7, coalesce(sd.slot_days, 0)) AS utilisation,
       coalesce(f.peak, 0) AS peak_concurrent, coalesce(f.over_days, 0) AS over_capacity_days
FROM keys k
LEFT JOIN slot_days sd USING (year, site, discipline)
LEFT JOIN used u USING (year, site, discipline)
LEFT JOIN day_figures f USING (year, site, discipline)
ORDER BY k.year, k.site, k.discipline;

CREATE TABLE coverage AS
WITH weeks AS (
  SELECT year, grp, count(DISTINCT student) AS students, sum(weeks) AS student_weeks,
         sum(weeks) FILTER (WHERE agreement_kind = 'framework') AS recognised
  FROM matched GROUP BY ALL),
cap AS (
  SELECT i.year, d.grp, sum(i.slots * i.days) AS slot_days FROM inside i JOIN disciplines d ON d.code = i.discipline
  WHERE i.kind = 'framework' GROUP BY ALL),
keys AS (SELECT year, grp FROM weeks UNION SELECT year, grp FROM cap)
SELECT k.grp AS discipline_group, printf('%d-%d', k.year, k.year + 1) AS year, coalesce(w.students, 0) AS students,
       coalesce(r.required_weeks, 0) AS required_weeks, coalesce(w.student_weeks, 0) AS student_weeks,
       coalesce(w.recognised, 0) AS recognised_weeks, coalesce(w.student_weeks, 0) - coalesce(w.recognised, 0) AS non_recognised_weeks,
       ratio3(coalesce(w.student_weeks, 0) - coalesce(w.recognised, 0), coalesce(w.student_weeks, 0)) AS share_non_recognised,
       coalesce(ratio1(coalesce(c.slot_days, 0), 7), '0.0') AS recognised_capacity_weeks,
       ratio3(coalesce(c.slot_days, 0), 7 * coalesce(w.student_weeks, 0)) AS capacity_coverage
FROM keys k LEFT JOIN weeks w USING (year, grp) LEFT JOIN cap c USING (year, grp)
LEFT JOIN required r ON r.discipline_group = k.grp
ORDER BY k.year, k.grp;

CREATE TABLE audit AS
WITH p AS (
  SELECT year, site, count(*) AS placements, sum(weeks) AS student_weeks,
         count(*) FILTER (WHERE agreement IS NULL) AS without_agreement,
         count(*) FILTER (WHERE end_ < DATE '{as_of}') AS ended,
         count(*) FILTER (WHERE end_ < DATE '{as_of}' AND final IS NOT NULL) AS evaluated,
         count(final) AS evaluations, CAST(sum(final * 2) AS BIGINT) AS final2,
         count(k) FILTER (WHERE final IS NOT NULL) AS ck, CAST(sum(k * 2) FILTER (WHERE final IS NOT NULL) AS BIGINT) AS k2,
         count(p) FILTER (WHERE final IS NOT NULL) AS cp, CAST(sum(p * 2) FILTER (WHERE final IS NOT NULL) AS BIGINT) AS p2,
         count(t) FILTER (WHERE final IS NOT NULL) AS ct, CAST(sum(t * 2) FILTER (WHERE final IS NOT NULL) AS BIGINT) AS t2
  FROM matched GROUP BY ALL),
a AS (
  SELECT year, site, bool_or(kind = 'framework') AS recognised, count(*) FILTER (WHERE kind = 'individual') AS individual
  FROM inside GROUP BY ALL),
keys AS (SELECT year, site FROM p UNION SELECT year, site FROM a)
SELECT k.site, printf('%d-%d', k.year, k.year + 1) AS year, CASE WHEN coalesce(a.recognised, false) THEN 'yes' ELSE 'no' END AS recognised,
       s.region, coalesce(p.placements, 0) AS placements, coalesce(p.student_weeks, 0) AS student_weeks,
       coalesce(p.without_agreement, 0) AS placements_without_agreement, coalesce(a.individual, 0) AS individual_agreements,
       ratio3(coalesce(p.evaluated, 0), coalesce(p.ended, 0)) AS evaluation_completeness,
       mean2(p.final2, p.evaluations) AS mean_final_score, mean2(p.k2, p.ck) AS mean_knowledge_and_skills,
       mean2(p.p2, p.cp) AS mean_patient_contact, mean2(p.t2, p.ct) AS mean_teamwork
FROM keys k LEFT JOIN p USING (year, site) LEFT JOIN a USING (year, site) LEFT JOIN sites s ON s.code = k.site
ORDER BY k.year, k.site;
"""


def as_of_of(data):
    for line in open(os.path.join(data, "faculty.yml"), encoding="utf-8"):
        if line.startswith("as_of:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit("faculty.yml names no as_of")


def compare(out, run):
    equal = True
    for name in ("capacity", "coverage", "audit"):
        ours = list(csv.reader(open(os.path.join(run, name + ".csv"), encoding="utf-8", newline="")))
        peer = list(csv.reader(open(os.path.join(out, name + ".csv"), encoding="utf-8", newline="")))
        header_ok = ours[0] == peer[0]
        ours_rows, peer_rows = sorted(map(tuple, ours[1:])), sorted(map(tuple, peer[1:]))
        if header_ok and ours_rows == peer_rows:
            print(f"{name}: equal ({len(ours_rows)} rows, {len(ours_rows) * len(ours[0])} cells)")
            continue
        equal = False
        print(f"{name}: DIFFERENT (stagebalans {len(ours_rows)} rows, DuckDB {len(peer_rows)} rows; headers equal: {header_ok})")
        only_ours = sorted(set(ours_rows) - set(peer_rows))[:5]
        only_peer = sorted(set(peer_rows) - set(ours_rows))[:5]
        for row in only_ours:
            print("  stagebalans only:", ",".join(row))
        for row in only_peer:
            print("  DuckDB only:     ", ",".join(row))
    return equal


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("out")
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads (default: all cores)")
    parser.add_argument("--compare", metavar="RUN_FOLDER")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {args.threads}")
    data = os.path.abspath(args.data)
    con.execute(SQL.replace("{data}", data).replace("{as_of}", as_of_of(data)))
    for name in ("capacity", "coverage", "audit"):
        con.execute(f"COPY {name} TO '{os.path.abspath(args.out)}/{name}.csv' (HEADER, DELIMITER ',')")
    if args.compare:
        sys.exit(0 if compare(args.out, args.compare) else 1)


if __name__ == "__main__":
    main()
