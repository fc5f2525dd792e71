#!/usr/bin/env python3
"""Cross-check policies/ against the shared reference data.

Usage: check_policies.py [-v] [SHARED_DATA_DIR]

SHARED_DATA_DIR defaults to ../shared/data next to the repository. Every id,
title, flag and pair in policies/ must match the shared data exactly; the
curated crosswalk and the expectations are checked for consistency with the
catalogues. With -v, the crosswalk is also compared with the derived
support >= 3 pairs (information only). Exit status: 0 pass (or skipped when
the shared data is absent), 1 mismatch, 3 PyYAML missing.
"""
import os
import re
import sys

try:
    import yaml
except ImportError:
    sys.stderr.write("check_policies: PyYAML is missing (apt-get install"
                     " python3-yaml)\n")
    sys.exit(3)

ROOT = os.path.normpath(os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
POL = os.path.join(ROOT, "policies")
FORBIDDEN = {"controls", "systems", "scope", "soa", "evidence", "risks",
             "vendors", "isms", "documents"}
FREQUENCIES = {"continuous", "daily", "weekly", "monthly", "quarterly",
               "semiannual", "annual", "biennial", "event-driven"}
CATEGORY = {"common": "security", "availability": "availability",
            "confidentiality": "confidentiality",
            "processing_integrity": "processing-integrity",
            "privacy": "privacy"}

errors = []


def check(cond, msg):
    if not cond:
        errors.append(msg)
    return cond


def same(got, want, what):
    if got != want:
        if isinstance(got, (set, list)) and isinstance(want, (set, list)):
            g, w = set(map(str, got)), set(map(str, want))
            errors.append("%s differs: extra %s, missing %s"
                          % (what, sorted(g - w)[:8], sorted(w - g)[:8]))
        else:
            errors.append("%s: got %r, want %r" % (what, got, want))


def load_ours(rel):
    path = os.path.join(POL, rel)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    check_style(rel, yaml.compose(text))
    doc = yaml.safe_load(text)
    for key in doc:
        check(key not in FORBIDDEN, "%s: top-level key '%s'" % (rel, key))
    return doc


def check_style(rel, node):
    """Restricted style: values double-quoted (only booleans plain), keys
    plain, mappings in block style, flow sequences of scalars only."""
    if isinstance(node, yaml.ScalarNode):
        ok = node.style == '"' or (node.style is None
                                   and node.value in ("true", "false"))
        check(ok, "%s:%d: scalar %r is not double-quoted"
              % (rel, node.start_mark.line + 1, node.value))
    elif isinstance(node, yaml.MappingNode):
        check(not node.flow_style, "%s:%d: flow mapping"
              % (rel, node.start_mark.line + 1))
        for _, v in node.value:
            check_style(rel, v)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            if node.flow_style:
                check(isinstance(v, yaml.ScalarNode),
                      "%s:%d: flow sequence holds a collection"
                      % (rel, node.start_mark.line + 1))
            check_style(rel, v)


def load_src(shared, name):
    with open(os.path.join(shared, name), encoding="utf-8") as f:
        return yaml.safe_load(f)


def by_kind(doc, kind):
    return [r for r in doc["requirements"] if r["kind"] == kind]


def check_soc2(shared):
    src = load_src(shared, "soc2-tsc-2017.yaml")
    ours = load_ours("frameworks/soc2.yml")
    same(ours["framework"]["key"], "soc2", "soc2 key")
    same([(s["id"], s["title"], s["category"]) for s in ours["series"]],
         [(s["id"], s["title"], CATEGORY[s["criteria_set"]])
          for s in src["series"]], "soc2 series")
    reqs = ours["requirements"]
    same([r["id"] for r in reqs], [c["id"] for c in src["criteria"]],
         "soc2 ids")
    same(len(reqs), 61, "soc2 count")
    same(sum(r["id"].startswith("CC") for r in reqs), 33, "soc2 CC count")
    for r, c in zip(reqs, src["criteria"]):
        same(r["kind"], "criterion", r["id"] + " kind")
        same(r["series"], c["series"], r["id"] + " series")
        same(r.get("coso_principle"), None if "coso_principle" not in c
             else str(c["coso_principle"]), r["id"] + " COSO principle")
        check(r["summary"].strip() and r["summary"] != c["summary"],
              r["id"] + ": summary missing or copied from the shared data")
    return {r["id"] for r in reqs}


def check_iso2022(shared):
    src = load_src(shared, "iso27001-2022.yaml")
    ours = load_ours("frameworks/iso27001-2022.yml")
    same(ours["framework"]["key"], "iso27001", "iso27001 key")
    same([(t["id"], t["key"], t["title"]) for t in ours["themes"]],
         [(t["id"], t["key"], t["title"]) for t in src["annex_a_themes"]],
         "iso27001 themes")
    clauses = by_kind(ours, "clause")
    same([(c["id"], c["title"], c.get("parent")) for c in clauses],
         [(c["id"], c["title"], c.get("parent")) for c in src["clauses"]],
         "iso27001 clauses")
    same(len(clauses), 41, "iso27001 clause count")
    ctl = by_kind(ours, "control")
    same([(c["id"], c["title"], c["theme"], c["new_in_2022"],
           c.get("variants", [])) for c in ctl],
         [(c["id"], c["title"], c["theme"], c["new_in_2022"],
           c.get("title_variants", [])) for c in src["annex_a_controls"]],
         "iso27001 Annex A")
    same(len(ctl), 93, "Annex A count")
    same(sum(c["new_in_2022"] for c in ctl), 11, "new in 2022")
    themes = {}
    for c in ctl:
        themes[c["theme"]] = themes.get(c["theme"], 0) + 1
    same(themes, {"organizational": 37, "people": 8, "physical": 14,
                  "technological": 34}, "themes")
    return {c["id"] for c in ours["requirements"]}


def check_iso2013(shared):
    src = load_src(shared, "iso27001-2013.yaml")
    ours = load_ours("frameworks/iso27001-2013.yml")
    same(ours["framework"]["key"], "iso27001:2013", "iso27001:2013 key")
    same([(c["id"], c["title"], c.get("parent"))
          for c in by_kind(ours, "clause")],
         [(c["id"], c["title"], c.get("parent")) for c in src["clauses"]],
         "2013 clauses")
    same([(d["id"], d["title"]) for d in ours["domains"]],
         [(d["id"], d["title"]) for d in src["annex_a"]], "2013 domains")
    same([(o["id"], o["domain"], o["title"]) for o in ours["objectives"]],
         [(o["id"], d["id"], o["title"]) for d in src["annex_a"]
          for o in d["objectives"]], "2013 objectives")
    want = [(c["id"], o["id"], c["title"], c.get("title_variants", []))
            for d in src["annex_a"] for o in d["objectives"]
            for c in o["controls"]]
    got = [(c["id"], c["objective"], c["title"], c.get("variants", []))
           for c in by_kind(ours, "control")]
    same(got, want, "2013 controls")
    same(len(got), 114, "2013 control count")
    return {c["id"] for c in ours["requirements"]}


def check_correspondence(shared, ids2013, ids2022):
    src = load_src(shared, "iso27001-2013-to-2022.yaml")
    ours = load_ours("frameworks/iso27001-2013-to-2022.yml")
    got = [(p["from"], p["to"]) for p in ours["pairs"]]
    want = [(r["id"], t) for r in src["annex_a_2013_to_2022"]
            for t in r["maps_to"]]
    same(sorted(got), sorted(want), "2013->2022 pairs")
    same(len(set(got)), 115, "pair count")
    back = {(f, r["id"]) for r in src["annex_a_2022_from_2013"]
            for f in r["from_2013"]}
    same(set(got), back, "pairs against the 2022->2013 table")
    same(sorted(ours["no_predecessor"]),
         sorted(r["id"] for r in src["annex_a_2022_from_2013"]
                if not r["from_2013"]), "no predecessor")
    same(sorted((p["from"], p["to"]) for p in ours["clause_pairs"]),
         sorted((r["from_2013"], r["to_2022"])
                for r in src["clauses_2013_to_2022"] if r["from_2013"]),
         "clause pairs")
    same(ours["new_clauses"], [r["to_2022"] for r in
                               src["clauses_2013_to_2022"]
                               if r["from_2013"] is None], "new clauses")
    for f, t in got + [(p["from"], p["to"]) for p in ours["clause_pairs"]]:
        check(f in ids2013, "pair names unknown 2013 id " + f)
        check(t in ids2022, "pair names unknown 2022 id " + t)


def check_nist(shared, ids2022):
    src = load_src(shared, "nist-csf-2.0.yaml")
    ours = load_ours("frameworks/nist-csf-2.0.yml")
    same(ours["framework"]["key"], "nist-csf", "nist-csf key")
    want = []
    for kind, key, parent in (("function", "functions", None),
                              ("category", "categories", "function"),
                              ("subcategory", "subcategories", "category")):
        for x in src[key]:
            refs = x.get("iso27001_2022", {})
            want.append((x["id"], kind, x.get(parent) if parent else None,
                         x.get("name"), x["title"],
                         refs.get("clauses", []) + refs.get("annex_a", []),
                         refs.get("annex_a_note")))
    got = [(r["id"], r["kind"], r.get("parent"), r.get("name"),
            r["statement"], r.get("iso27001", []), r.get("iso27001_note"))
           for r in ours["requirements"]]
    same(sorted(got), sorted(want), "nist-csf entries")
    kinds = [r["kind"] for r in ours["requirements"]]
    same((kinds.count("function"), kinds.count("category"),
          kinds.count("subcategory")), (6, 22, 106), "nist-csf counts")
    same(sum(len(r.get("iso27001", [])) for r in ours["requirements"]
             if r["kind"] == "subcategory"), 333, "subcategory ISO refs")
    same([(w["id"], w["kind"], w.get("name"), w["note"],
           w.get("incorporated_into", [])) for w in ours["withdrawn"]],
         [(w["id"], w["level"], w.get("name"), w["withdrawn_note"],
           w.get("incorporated_into", [])) for w in src["withdrawn"]],
         "nist-csf withdrawn")
    for r in ours["requirements"]:
        for ref in r.get("iso27001", []):
            base = re.sub(r"\(\w+\)$", "", ref)
            check(base in ids2022, "%s cites unknown ISO id %s"
                  % (r["id"], ref))
    return {r["id"] for r in ours["requirements"]}


def expand(text):
    """ISO ids named in one cell of the series reference table."""
    out = []
    for m in re.finditer(r"A\.(\d+)\.(\d+)(?:-A\.\1\.(\d+))?", text):
        last = int(m.group(3) or m.group(2))
        out += ["A.%s.%d" % (m.group(1), i)
                for i in range(int(m.group(2)), last + 1)]
    m = re.search(r"clauses? ([\d., ]+?)(?:;|$)", text)
    if m:
        out = [c.strip() for c in m.group(1).split(",") if c.strip()] + out
    return out


def readme_series(shared):
    with open(os.path.join(shared, "README.md"), encoding="utf-8") as f:
        text = f.read()
    table = text.split("| SOC 2 | topic |", 1)[1]
    rows = {}
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        key = cells[0].split(" ")[0]
        rows[key] = expand(cells[2])
    return rows


def series_key(criterion):
    m = re.match(r"^(CC\d|A1|C1|PI1|P)", criterion)
    return m.group(1)


def in_series(iso_id, allowed):
    for a in allowed:
        if iso_id == a or (not a.startswith("A.")
                           and iso_id.startswith(a + ".")):
            return True
    return False


def check_crosswalk(shared, soc2_ids, ids2022, verbose):
    ours = load_ours("crosswalks/soc2-iso27001-2022.yml")
    x = ours["crosswalk"]
    same((x["from"], x["to"]), ("soc2", "iso27001"), "crosswalk direction")
    table = {r["series"]: r["iso27001"] for r in ours["series_references"]}
    same({k: sorted(v) for k, v in table.items()},
         {k: sorted(v) for k, v in readme_series(shared).items()},
         "series reference table")
    rows = ours["mappings"]
    same(sorted(r["soc2"] for r in rows), sorted(soc2_ids),
         "crosswalk criteria")
    same(len(rows), 61, "crosswalk rows")
    mine = set()
    for r in rows:
        cid = r["soc2"]
        check(r.get("rationale", "").strip(), cid + ": no rationale")
        check(r.get("fit") in ("strong", "partial", "weak"), cid + ": fit")
        seen = set()
        for t in r["iso27001"]:
            tid, basis = t["id"], t["basis"]
            check(tid in ids2022, "%s: unknown ISO id %s" % (cid, tid))
            check(tid not in seen, "%s: %s twice" % (cid, tid))
            seen.add(tid)
            mine.add((cid, tid))
            check(basis in ("series-reference", "judgement"),
                  "%s: basis %s" % (cid, basis))
            if basis == "series-reference":
                check(in_series(tid, table[series_key(cid)]),
                      "%s -> %s is not in the %s series references"
                      % (cid, tid, series_key(cid)))
        if cid.startswith("PI"):
            check("no clean ISO home" in r.get("note", ""),
                  cid + ": PI row must say it has no clean ISO home")
        elif cid.startswith("P"):
            same([t["id"] for t in r["iso27001"]], ["A.5.34"], cid)
            same(r.get("points_to"), "ISO/IEC 27701", cid + " points_to")
    for n in ours["not_carried"]:
        check(n["iso27001"] in table[n["series"]],
              "not_carried %s is not in its series" % n["iso27001"])
        check(not any(series_key(c) == n["series"] and t == n["iso27001"]
                      for c, t in mine),
              "not_carried %s is carried" % n["iso27001"])
    same([g["iso27001"] for g in ours["gaps"]],
         ["4", "5", "6", "7", "8", "9", "10"], "gaps")
    for g in ours["gaps"]:
        for c in g["clauses"]:
            check(c in ids2022 and c.split(".")[0] == g["iso27001"],
                  "gap %s lists %s" % (g["iso27001"], c))
    if verbose:
        compare_derived(shared, mine)


def compare_derived(shared, mine):
    src = load_src(shared, "soc2-to-iso27001-2022.yaml")
    strong = set()
    for m in src["mappings"]:
        for key in ("annex_a", "clauses"):
            for t in m.get(key, []):
                if t["support"] >= 3:
                    strong.add((m["criterion"], t["id"]))
    both = mine & strong
    print("crosswalk: %d pairs, %d also support>=3, %d support>=3 pairs"
          " not taken" % (len(mine), len(both), len(strong - mine)))
    for c, t in sorted(mine - strong):
        print("  ours only: %s -> %s" % (c, t))


def check_expectations(known):
    ours = load_ours("expectations.yml")
    names = set()
    for x in ours.get("expectations", []):
        n = x["name"]
        check(n not in names, "expectation %s twice" % n)
        names.add(n)
        check(x["frequency"] in FREQUENCIES, "%s: frequency %s"
              % (n, x["frequency"]))
        check(x["rationale"].strip() and "\n" not in x["rationale"],
              n + ": rationale must be one line")
        check(x["activity"] and all(a == a.lower() for a in x["activity"]),
              n + ": activity phrases must be lowercase")
        for req in x["requirements"]:
            fw, _, rid = req.rpartition(":")
            check(rid in known.get(fw, ()), "%s: unknown requirement %s"
                  % (n, req))


def main():
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv[1:]
    shared = args[0] if args else os.path.join(ROOT, "..", "shared", "data")
    if not os.path.isdir(shared):
        print("skip: check_policies needs the shared data at " + shared)
        return 0
    soc2_ids = check_soc2(shared)
    ids2022 = check_iso2022(shared)
    ids2013 = check_iso2013(shared)
    check_correspondence(shared, ids2013, ids2022)
    csf = check_nist(shared, ids2022)
    check_crosswalk(shared, soc2_ids, ids2022, verbose)
    check_expectations({"soc2": soc2_ids, "iso27001": ids2022,
                        "iso27001:2013": ids2013, "nist-csf": csf})
    for e in errors:
        print("check_policies: " + e)
    print("check_policies: %s" % ("FAILED (%d problems)" % len(errors)
                                  if errors else "all checks pass"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
