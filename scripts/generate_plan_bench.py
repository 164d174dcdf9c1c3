#!/usr/bin/env python3
"""A faculty of the size issue 22 names for `plan --schedule`: 1,000 sites, 25 discipline groups
(each with two sub-disciplines), about 12,000 framework agreements (some ending or starting
inside the planned year), a calendar of 13 blocks of 4 weeks, and the progress of 5,000
students as a published run's progress.csv (for --cohort progress).

    python3 scripts/generate_plan_bench.py --out bench-data/plan

Writes ref/{sites,disciplines,curriculum}.yml, agreements.csv, out/runs/BENCH/progress.csv with
out/latest pointing at it, and plan.yml. Deterministic by --seed. The slots are drawn so that
5,000 students of the demand are near the limit: some groups fit, one or two do not.
"""
import argparse
import os
import random

GROUPS = [f"G{n:02d}" for n in range(1, 26)]
# The planned year's demand: ten groups, 40 weeks with the free ones (13 blocks = 52 weeks).
DEMAND = {"G01": 8, "G02": 8, "G03": 4, "G04": 4, "G05": 4, "G06": 2, "G07": 2, "G08": 4, "G09": 4, "G10": 4}
FREE = 4


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="bench-data/plan")
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--students", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--done-groups", type=int, default=10,
                        help="the groups students may have passed part of: fewer give fewer types (4: about 60)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(os.path.join(args.out, "ref"), exist_ok=True)
    sites = [f"S{n:04d}" for n in range(1, args.sites + 1)]
    # Names as different as real ones (the register's near-duplicate check compares every pair).
    syllables = ["ber", "dal", "gem", "hov", "kor", "lin", "mol", "nes", "ost", "pel", "ros", "tin", "vel", "wer", "zan"]
    names = {code: " ".join("".join(rng.choice(syllables) for _ in range(3)).capitalize() for _ in range(2)) for code in sites}
    with open(os.path.join(args.out, "ref", "sites.yml"), "w") as f:
        f.write("sites:\n")
        for code in sites:
            f.write(f"  - {{code: {code}, name: \"{names[code]} {code}\", kind: hospital, region: peripheral, city: \"Gent\", country: BE}}\n")
    with open(os.path.join(args.out, "ref", "disciplines.yml"), "w") as f:
        f.write("disciplines:\n")
        for group in GROUPS:
            f.write(f"  - {{code: {group}, nl: \"groep {group}\", en: \"group {group}\"}}\n")
            for sub in ("A", "B"):
                f.write(f"  - {{code: {group}-{sub}, nl: \"groep {group} {sub}\", en: \"group {group} {sub}\", parent: {group}}}\n")
    with open(os.path.join(args.out, "ref", "curriculum.yml"), "w") as f:
        f.write("required_weeks:\n")
        for group, weeks in DEMAND.items():
            f.write(f"  {group}: {weeks}\n")
        f.write("blocks: []\nclinical_weeks: 62\nscientific_weeks: 16\npass_mark: 10\n")
    agreements = 0
    with open(os.path.join(args.out, "agreements.csv"), "w") as f:
        f.write("agreement_id,site,discipline,capacity,valid_from,valid_to,kind,student,supervisor\n")
        for site in sites:
            for group in rng.sample(GROUPS, 12):
                agreements += 1
                discipline = group + rng.choice(["", "-A", "-B"])
                slots = rng.choice([1, 1, 2, 2, 3, 4])
                start, end = "2022-07-01", "2028-06-30"
                shape = rng.random()
                if shape < 0.08:
                    end = f"2027-0{rng.randint(1, 5)}-{rng.randint(1, 28)}"   # ends inside the year
                elif shape < 0.14:
                    start = f"2026-{rng.randint(8, 12)}-{rng.randint(1, 28)}"  # starts inside it
                f.write(f"RO-{agreements:06d},{site},{discipline},{slots},{start},{end},raamovereenkomst,,Dr. X\n")
    run = os.path.join(args.out, "out", "runs", "BENCH")
    os.makedirs(run, exist_ok=True)
    with open(os.path.join(run, "progress.csv"), "w") as f:
        f.write("student,part,passed_weeks,required_weeks,met\n")
        for n in range(args.students):
            student = f"r{n:07d}"
            # Three in four students start the year with nothing of its demand done; the others
            # passed one to three groups, some of them half (a cohort of a few hundred types).
            done = {} if rng.random() < 0.75 else {g: rng.choice([1.0, 1.0, 0.5]) for g in rng.sample(GROUPS[:args.done_groups], rng.randint(1, min(3, args.done_groups)))}
            for group in GROUPS:
                required = DEMAND.get(group, 4)
                passed = int(required * done.get(group, 0))
                f.write(f"{student},{group},{passed},{required},{'yes' if passed >= required else 'no'}\n")
    latest = os.path.join(args.out, "out", "latest")
    if os.path.lexists(latest):
        os.remove(latest)
    os.symlink("runs/BENCH", latest)
    demand = ", ".join(f"{g}: {w}" for g, w in DEMAND.items())
    with open(os.path.join(args.out, "plan.yml"), "w") as f:
        f.write(f"""name: plan benchmark faculty
output: out
reference: {{sites: ref/sites.yml, disciplines: ref/disciplines.yml, curriculum: ref/curriculum.yml}}
sources:
  - {{name: agreements, kind: agreements, format: csv, path: agreements.csv, encoding: utf-8, delimiter: ",", dates: ["yyyy-m-d"]}}
planning:
  blocks: {{weeks: 4, starts: "07-01", count: 13, halves: [13]}}
  demand:
    year: {{{demand}, free: {FREE}}}
""")
    print(f"{args.out}: {len(sites)} sites, {len(GROUPS)} groups, {agreements} agreements, {args.students} students")


if __name__ == "__main__":
    main()
