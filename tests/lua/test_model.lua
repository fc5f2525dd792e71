-- Tests for core/lua/model.lua: the normalisation logic only, over
-- hand-built file tables and a fake ctx that keeps positions the way the
-- C bridge does (one position per table, one per key/value slot, and
-- ctx.where(t, k) falling back to t when k has none). End-to-end
-- behaviour is tested through the binary with tests/fixtures.
--
--   cd tests/lua && lua5.4 test_model.lua      (or from the repository root)

local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = here .. "/../../core/lua/?.lua;" .. package.path
for _, m in ipairs{"freq", "date", "ids"} do
  package.preload["auditlint." .. m] = function() return require(m) end
end
local model = require("model")

local passed, failed = 0, 0

local function check(name, got, want)
  if got == want then
    passed = passed + 1
  else
    failed = failed + 1
    print(("FAIL %s: got %s, want %s"):format(name, tostring(got),
                                               tostring(want)))
  end
end

-- ---- a fake ctx ----

local POS = setmetatable({}, {__mode = "k"})

local function pos_of(t, file)
  local p = POS[t]
  if not p then
    p = {file = file, slots = {}}
    POS[t] = p
  end
  return p
end

-- Mapping: entries {key, value} on consecutive lines from line; the key
-- at column col, the value two columns after the key.
local function Map(file, line, col, entries)
  local t = {}
  local p = pos_of(t, file)
  p.self = {line = line, col = col}
  for i, e in ipairs(entries) do
    local l = line + i - 1
    p.slots[e[1]] = {key = {line = l, col = col},
                     value = {line = l, col = col + #e[1] + 2}}
    t[e[1]] = e[2]
  end
  return t
end

-- Sequence: items on consecutive lines from line, after '- ' at col.
local function Seq(file, line, col, items)
  local t = {}
  local p = pos_of(t, file)
  p.self = {line = line, col = col}
  for i, v in ipairs(items) do
    local n = {line = line + i - 1, col = col + 2}
    p.slots[i] = {key = n, value = n}
    t[i] = v
  end
  return t
end

local function locate(t, k, key)
  local p = type(t) == "table" and POS[t]
  if not p then return nil end
  local n = p.self
  if k ~= nil and p.slots[k] then
    n = key and p.slots[k].key or p.slots[k].value
  end
  if not n then return nil end
  return p.file, n.line, n.col
end

local reports = {}

local function new_ctx(config)
  return {
    where = function(t, k) return locate(t, k, false) end,
    key_where = function(t, k) return locate(t, k, true) end,
    copy_pos = function(dst, dk, src, sk)
      local sp = POS[src]
      if not sp or sk == nil or not sp.slots[sk] then return end
      pos_of(dst, sp.file).slots[dk] = sp.slots[sk]
    end,
    set_pos = function(dst, src, sk)
      local file, line, col = locate(src, sk, false)
      if not file then return end
      local p = pos_of(dst, file)
      p.file, p.self = file, {line = line, col = col}
    end,
    text_pos = function(dst, dk, sec, off, len)
      local sp = POS[sec]
      if not sp or not sec.text or off < 1 or off > #sec.text + 1 then
        return
      end
      local before = sec.text:sub(1, off - 1)
      local _, nl = before:gsub("\n", "")
      local ls = before:match(".*\n()") or 1
      local n = {line = sec.body_line + nl,
                 col = (utf8.len(sec.text:sub(ls, off - 1)) or off - ls) + 1}
      local p = pos_of(dst, sp.file)
      p.self = p.self or n
      p.slots[dk] = {key = n, value = n}
    end,
    new_at = function(file, line, col)
      local t = {}
      pos_of(t, file).self = {line = line or 1, col = col or 1}
      return t
    end,
    report = function(r)
      local file, line, col
      if r.at then
        file, line, col = locate(r.at, r.key, false)
      else
        file, line, col = r.file, r.line, r.col
      end
      reports[#reports + 1] = {rule = r.rule, severity = r.severity,
        message = r.message, file = file, line = line, col = col}
    end,
    today = "2026-12-01",
    config = config or {},
  }
end

local function where(t, k)
  local f, l, c = locate(t, k, false)
  return ("%s:%s:%s"):format(f, l, c)
end

local function build(files, config)
  reports = {}
  return model.build(files, new_ctx(config))
end

local function md(path, fm, front, sections)
  return {path = path, kind = "markdown", front_matter = fm,
          docs = {front}, sections = sections or {}}
end

local function yml(path, ...)
  return {path = path, kind = "yaml", docs = {...}}
end

local function count(rule)
  local n = 0
  for _, r in ipairs(reports) do
    if r.rule == rule then n = n + 1 end
  end
  return n
end

local function find_report(rule, text)
  for _, r in ipairs(reports) do
    if r.rule == rule and (not text or r.message:find(text, 1, true)) then
      return r
    end
  end
end

-- ---- documents ----

do
  local F = "policies/access.md"
  local tsc = Seq(F, 5, 5, {"CC6.1", " CC6.2 ", "cc6.3"})
  local sat = Map(F, 4, 3, {{"TSC", tsc}})
  local rev = Map(F, 8, 5, {{"date", "Jun 1 2018"}, {"comment", "first"}})
  local rev2 = Map(F, 10, 5, {{"date", "Mar 1, 2023"}})
  local front = Map(F, 1, 1, {
    {"name", "Access Policy"}, {"acronym", " AOTP "},
    {"satisfies", sat}, {"majorRevisions", Seq(F, 8, 3, {rev, rev2})},
  })
  local repo = build({md(F, "header", front, {
    {heading = "Purpose", level = 1, line = 12, body_line = 13, text = ""},
  })})
  local doc = repo.documents[1]
  check("doc is the front matter table", doc, front)
  check("acronym -> id, trimmed", doc.id, "AOTP")
  check("id keeps the acronym's position", where(doc, "id"),
        where(front, "acronym"))
  check("name -> title", doc.title, "Access Policy")
  check("satisfies -> maps", doc.maps, sat)
  check("TSC renamed to soc2", doc.maps.TSC, nil)
  check("soc2 list kept", doc.maps.soc2, tsc)
  check("soc2 key keeps its position", where(doc.maps, "soc2"),
        "policies/access.md:4:8")
  check("ids canonical 1", tsc[1], "CC6.1")
  check("ids trimmed", tsc[2], "CC6.2")
  check("ids upper-cased", tsc[3], "CC6.3")
  check("revision date normalised", rev.date, "2018-06-01")
  check("newest revision is the review", doc.last_reviewed, "2023-03-01")
  check("review date points at the revision", where(doc, "last_reviewed"),
        where(rev2, "date"))
  check("review marked derived", doc.defaults.last_reviewed, true)
  check("type from folder", doc.type, "policy")
  check("status default", doc.status, "active")
  check("review_frequency default", doc.review_frequency, "annual")
  check("defaults recorded", doc.defaults.review_frequency, true)
  check("id not defaulted", doc.defaults.id, nil)
  check("kind", doc.kind, "document")
  check("path", doc.path, F)
  check("indexed", repo.index.documents.AOTP, doc)
  check("no reports", #reports, 0)
end

do
  local F = "procedures/README.md"
  local repo = build({md(F, "none", nil, {
    {level = 0, line = 1, body_line = 1, text = "intro"},
    {heading = "**Procedures**", level = 1, line = 3, body_line = 4,
     text = "Procedures prescribe steps. Version 2.6."},
  })})
  local doc = repo.documents[1]
  check("no front matter: still a document", doc ~= nil, true)
  check("id from path", doc.id, "procedures/README")
  check("title from heading, emphasis dropped", doc.title, "Procedures")
  check("type from folder name", doc.type, "procedure")
  check("readme marked", doc.readme, true)
  check("positioned at line 1", where(doc), "procedures/README.md:1:1")
  check("where of a default falls back", where(doc, "id"),
        "procedures/README.md:1:1")
end

do
  local repo = build({md("README.md", "none", nil, {
    {heading = "ISMS", level = 1, line = 1, body_line = 2,
     text = "This README maps A.5.15 to our policies."},
  })})
  check("readme citing ids is a real document", repo.documents[1].readme,
        false)
  repo = build({md("docs/x.md", "none", nil, {
    {level = 0, line = 1, body_line = 1,
     text = '<h1 align="center">📜 Hack23 — Policy</h1>'},
    {heading = "Purpose", level = 2, line = 5, body_line = 6, text = ""},
  })})
  check("title from an html h1", repo.documents[1].title,
        "📜 Hack23 — Policy")
  check("type defaults to policy", repo.documents[1].type, "policy")
end

do
  local F = "plans/ir.md"
  local front = Map(F, 2, 1, {
    {"id", "ir-plan"}, {"last_updated", "2026-13-45"},
    {"review_frequency", "periodically"}, {"status", "Approved"},
    {"type", "Plans"}, {"approved", "yes"}, {"supersedes", "old-ir"},
  })
  local repo = build({md(F, "fenced", front)})
  local doc = repo.documents[1]
  check("bad date removed", doc.last_reviewed, nil)
  check("bad date kept as written", doc.unreadable.last_reviewed,
        "2026-13-45")
  check("unreadable keeps the position", where(doc.unreadable,
        "last_reviewed"), where(front, "last_updated"))
  check("vague frequency removed", doc.review_frequency, nil)
  check("vague frequency kept", doc.unreadable.review_frequency,
        "periodically")
  check("no annual default over an unreadable one",
        doc.defaults.review_frequency, nil)
  check("status synonym", doc.status, "active")
  check("type folded", doc.type, "plan")
  check("approved 'yes' is not a date", doc.unreadable.approved, "yes")
  check("supersedes string -> list", doc.supersedes[1], "old-ir")
  check("list item positioned", where(doc.supersedes, 1),
        where(front, "supersedes"))
  check("two invalid-value", count("invalid-value"), 2)
  check("one frequency-vocabulary", count("frequency-vocabulary"), 1)
  local r = find_report("invalid-value", "2026-13-45")
  check("invalid date message", r.message,
        "cannot read '2026-13-45' as a date: there is no month 13; write "
        .. "it as YYYY-MM-DD")
  check("invalid date position", ("%s:%d"):format(r.file, r.line),
        "plans/ir.md:3")
  check("severity warning", r.severity, "warning")
  r = find_report("frequency-vocabulary")
  check("vocabulary message", r.message:match("^cannot read 'periodically' "
        .. "as a frequency; use one of continuous, daily") ~= nil, true)
end

do
  local F = "procedures/patch.md"
  local front = Map(F, 1, 1, {{"id", "patch"}, {"cron", "0 0 0 15 4 *"}})
  local repo = build({md(F, "header", front)})
  check("cron -> frequency", repo.documents[1].frequency, "annual")
  check("cron kept", repo.documents[1].cron, "0 0 0 15 4 *")
  front = Map(F, 1, 1, {{"id", "patch"}, {"cron", "0 0 32 * *"}})
  build({md(F, "header", front)})
  check("bad cron is invalid-value", count("invalid-value"), 1)
end

-- ---- framework mappings ----

do
  local F = "controls.yml"
  local m1 = Map(F, 4, 7, {
    {"TSC", Seq(F, 5, 9, {"CC6.1"})}, {"soc2", Seq(F, 6, 9, {"CC6.2"})},
    {"ISO27002", "5.15"}, {"NIST-801-53", Seq(F, 8, 9, {"AC-1"})},
    {"nist-800-53", Seq(F, 9, 9, {"AC-2 (1)"})},
  })
  local m2 = Map(F, 12, 7, {{"NIST-801-53", Seq(F, 12, 9, {"AC-2"})}})
  local c1 = Map(F, 2, 5, {{"id", "AC-1"}, {"owner", "x"}, {"maps", m1}})
  local c2 = Map(F, 11, 5, {{"id", "AC-2"}, {"maps", m2}})
  local repo = build({yml(F, Map(F, 1, 1, {{"controls",
                                             Seq(F, 2, 3, {c1, c2})}}))})
  check("two controls", #repo.controls, 2)
  check("TSC merged into soc2", table.concat(m1.soc2, ","), "CC6.2,CC6.1")
  check("merged item keeps its position", where(m1.soc2, 2),
        "controls.yml:5:11")
  check("iso27002 string -> canonical list", m1.iso27002[1], "A.5.15")
  check("800-53 canonical", m1["nist-800-53"][1], "AC-2(1)")
  check("unknown key kept", m1["NIST-801-53"][1], "AC-1")
  check("unknown framework reported once", count("unknown-framework"), 1)
  local r = find_report("unknown-framework")
  check("at the key", ("%s:%d:%d"):format(r.file, r.line, r.col),
        "controls.yml:7:7")
  check("suggests the known key", r.message:find("did you mean "
        .. "'nist-800-53'", 1, true) ~= nil, true)
  check("severity note", r.severity, "note")
  check("kind", c1.kind, "control")
  check("path", c1.path, F)
  check("index", repo.index.controls["AC-2"], c2)
  local m3 = Map(F, 20, 7, {{"TSC", Seq(F, 20, 9, {"CC7.1"})},
                            {"soc2", "CC7.2"}})
  local c3 = Map(F, 19, 5, {{"id", "AC-3"}, {"maps", m3}})
  build({yml(F, Map(F, 18, 1, {{"controls", Seq(F, 19, 3, {c3})}}))})
  check("merge into a single-id string", table.concat(m3.soc2, ","),
        "CC7.2,CC7.1")
end

do
  local F = "c.yml"
  local list = Seq(F, 3, 7, {"soc2:CC6.1", "iso27001:2013:A.9.2.3"})
  local c = Map(F, 2, 5, {{"id", "X"}, {"maps", list}})
  build({yml(F, Map(F, 1, 1, {{"controls", Seq(F, 2, 3, {c})}}))})
  check("list form -> soc2", c.maps.soc2[1], "CC6.1")
  check("list form -> 2013", c.maps["iso27001:2013"][1], "A.9.2.3")
  check("list form item position", where(c.maps.soc2, 1), "c.yml:3:9")
end

-- ---- registers ----

do
  local F = "registers.yml"
  local shared = Map(F, 30, 5, {{"id", "EV-1"}, {"collected", "2026-1-5"},
                                {"automated", "Yes"}})
  local root = Map(F, 1, 1, {
    {"controls", Seq(F, 2, 3, {Map(F, 2, 5, {
      {"id", "AC-1"}, {"frequency", "Quarterly"}, {"status", "N/A"},
      {"policies", "access, backup"}, {"documents", "ignored"},
      {"automated", "maybe"}})})},
    {"systems", Seq(F, 10, 3, {"prod-aws", Map(F, 11, 5, {{"id", "crm"}})})},
    {"risks", Seq(F, 13, 3, {Map(F, 13, 5, {
      {"id", "R-1"}, {"treatment", "Reduce"}, {"reviewed", "01 Aug 2017"}}),
      Map(F, 16, 5, {{"id", "R-2"}, {"treatment", "pray"}})})},
    {"soa", Seq(F, 20, 3, {Map(F, 20, 5, {
      {"control", "5.15"}, {"applicable", "false"},
      {"implemented_by", Seq(F, 22, 7, {" AC-1 "})}})})},
    {"evidence", Seq(F, 30, 3, {shared, shared})},
    {"vendors", Seq(F, 40, 3, {Map(F, 40, 5, {{"id", "aws"},
      {"assurance", Seq(F, 41, 7, {Map(F, 41, 9, {
        {"type", "soc2-type2"}, {"expires", "2027-02-30"}})})}})})},
    {"scope", Map(F, 50, 3, {{"soc2", Map(F, 51, 5, {
      {"categories", Seq(F, 51, 7, {"Security", "Processing Integrity"})},
      {"report_type", "Type 2"},
      {"period", Map(F, 53, 7, {{"from", "2026-01-01"},
                                {"to", "2026-06-30"}})}})}})},
    {"isms", Map(F, 60, 3, {{"management_reviews", Seq(F, 61, 5, {
      Map(F, 61, 7, {{"date", "March 3, 2023"}})})}})},
  })
  local repo = build({yml(F, root)})
  local c = repo.controls[1]
  check("frequency canonical", c.frequency, "quarterly")
  check("status synonym", c.status, "not-applicable")
  check("policies split", table.concat(c.policies, "|"), "access|backup")
  check("documents does not override policies", #c.policies, 2)
  check("bad boolean removed", c.automated, nil)
  check("bad boolean kept", c.unreadable.automated, "maybe")
  check("bare system id -> object", repo.systems[1].id, "prod-aws")
  check("bare system positioned", where(repo.systems[1]),
        "registers.yml:10:5")
  check("system kind", repo.systems[2].kind, "system")
  check("treatment synonym", repo.risks[1].treatment, "mitigate")
  check("risk reviewed date", repo.risks[1].reviewed, "2017-08-01")
  check("risk last_reviewed alias", repo.risks[1].last_reviewed,
        "2017-08-01")
  check("bad treatment kept", repo.risks[2].unreadable.treatment, "pray")
  local s = repo.soa[1]
  check("soa bare number is Annex A", s.control, "A.5.15")
  check("soa id", s.id, "A.5.15")
  check("soa applicable false", s.applicable, false)
  check("soa implemented_by trimmed", s.implemented_by[1], "AC-1")
  check("index soa", repo.index.soa["A.5.15"], s)
  check("alias listed twice", #repo.evidence, 2)
  check("alias normalised once", shared.collected, "2026-01-05")
  check("evidence automated", shared.automated, true)
  check("vendor assurance date unreadable",
        repo.vendors[1].assurance[1].unreadable.expires, "2027-02-30")
  local soc2 = repo.scope.soc2
  check("scope categories folded", soc2.categories[2],
        "processing-integrity")
  check("scope report type", soc2.report_type, "type2")
  check("scope period", soc2.period.to, "2026-06-30")
  check("isms review date", repo.isms.management_reviews[1].date,
        "2023-03-03")
  check("isms kind", repo.isms.management_reviews[1].kind,
        "management-review")
  check("invalid values: boolean, treatment, expires",
        count("invalid-value"), 3)
end

do
  local F = "a.yml"
  local G = "b.yml"
  local a1 = Map(F, 2, 5, {{"id", "AC-1"}})
  local b1 = Map(G, 2, 5, {{"id", "AC-1"}})
  local b2 = Map(G, 3, 5, {{"id", "AC-3"}})
  local repo = build({
    yml(F, Map(F, 1, 1, {{"controls", Seq(F, 2, 3, {a1})}})),
    yml(G, Map(G, 1, 1, {{"controls", Seq(G, 2, 3, {b1, b2})}})),
  })
  check("lists concatenate", #repo.controls, 3)
  check("index keeps the first", repo.index.controls["AC-1"], a1)
end

do
  local F = "controls.yml"
  local ctl = Map(F, 2, 3, {{"AC-1", Map(F, 3, 5, {{"owner", "x"}})},
                            {"AC-2", Map(F, 4, 5, {{"owner", "y"}})}})
  local repo = build({yml(F, Map(F, 1, 1, {{"controls", ctl}}))})
  check("mapping form: ids from keys", repo.controls[1].id, "AC-1")
  check("mapping form: order", repo.controls[2].id, "AC-2")
  local soa = Map(F, 2, 3, {{"A5.15", Map(F, 3, 5, {{"applicable", "y"}})}})
  repo = build({yml(F, Map(F, 1, 1, {{"soa", soa}}))})
  check("soa keyed by id: control", repo.soa[1].control, "A.5.15")
  check("soa keyed by id: id", repo.soa[1].id, "A.5.15")
  check("soa keyed by id: index", repo.index.soa["A.5.15"], repo.soa[1])
end

-- ---- recognised shapes ----

do
  local F = "AC_Policy/component.yaml"
  local e1 = Map(F, 4, 3, {{"control_key", "AC-2 (1)"},
                           {"standard_key", "NIST-800-53"}})
  local e2 = Map(F, 6, 3, {{"control_key", "AC-1"},
                           {"standard_key", "NIST-801-53"}})
  local root = Map(F, 1, 1, {{"name", "Access Control"},
                             {"satisfies", Seq(F, 4, 1, {e1, e2})}})
  local repo = build({yml(F, root)})
  local c = repo.controls[1]
  check("component is a control", c, root)
  check("component id from folder", c.id, "AC_Policy")
  check("component title", c.title, "Access Control")
  check("component maps canonical", c.maps["nist-800-53"][1], "AC-2(1)")
  check("component map item position", where(c.maps["nist-800-53"], 1),
        where(e1, "control_key"))
  check("unknown standard kept", c.maps["NIST-801-53"][1], "AC-1")
  local r = find_report("unknown-framework")
  check("unknown standard reported at the value", ("%d:%d"):format(r.line,
        r.col), "7:17")
  check("component format", c.format, "opencontrol")
end

do
  local F = "standards/TSC-2017.yml"
  local root = Map(F, 1, 1, {
    {"name", "TSC"},
    {"CC1.1", Map(F, 3, 3, {{"family", "CC1"}, {"name", "Integrity"}})},
    {"cc1.2", Map(F, 6, 3, {{"family", "CC1"}, {"name", "Board"}})},
  })
  local repo = build({yml(F, root)})
  local s = repo.standards[1]
  check("standard recognised", s, root)
  check("standard framework", s.framework, "soc2")
  check("requirements", #s.requirements, 2)
  check("requirement id canonical", s.requirements[2].id, "CC1.2")
  check("requirement raw id", s.requirements[2].raw_id, "cc1.2")
  check("standard indexed by name", repo.index.standards.TSC, s)
  check("a standard is not a control", #repo.controls, 0)
end

do
  local F = "other.yml"
  local repo = build({yml(F, Map(F, 1, 1, {{"name", "x"},
                                           {"items", Seq(F, 2, 1, {"a"})}}))})
  check("unrecognised yaml ignored", #repo.standards + #repo.controls, 0)
  check("files kept", repo.files[1].path, F)
end

print(("model: %d passed, %d failed"):format(passed, failed))
os.exit(failed == 0 and 0 or 1)
