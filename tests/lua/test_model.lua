-- Tests for core/lua/model.lua: the normalisation logic only, over
-- hand-built file tables and a fake ctx that keeps positions the way the
-- C bridge does (one position per table, one per key/value slot, and
-- ctx.where(t, k) falling back to t when k has none). End-to-end
-- behaviour is tested through the binary with tests/fixtures.
--
--   cd tests/lua && lua5.4 test_model.lua      (or from the repository root)

local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path
local tests = require("harness").new("model")
local check = tests.check
local model = require("model")

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

-- ---- metadata in the body ----

-- A body section as the loader gives it: heading (nil before the first
-- heading), level, the heading's line, and text from the next line
-- (from line itself for the text before the first heading).
local function Sec(file, heading, level, line, lines)
  local body = heading and line + 1 or line
  local sec = {heading = heading, level = level, line = line,
               body_line = body, text = table.concat(lines, "\n"),
               path = {heading}}
  pos_of(sec, file).self = {line = line, col = 1}
  return sec
end

local function at(t, k)
  local _, l, c = locate(t, k, false)
  return ("%s:%s"):format(l, c)
end

do
  local F = "Access_Control_Policy.md"
  local top = Sec(F, nil, 0, 1, {
    '<h1 align="center">🔑 Hack23 AB — Access Control Policy</h1>',
    "",
    "**📋 Document Owner:** CEO | **📄 Version:** 2.6 | "
      .. "**📅 Last Updated:** 2026-01-25 (UTC)  ",
    "**🔄 Review Cycle:** Semi-Annual | **⏰ Next Review:** 2026-07-25",
    "",
  })
  local purpose = Sec(F, "🎯 **Purpose Statement**", 2, 6, {"", "", ""})
  local filler = {}
  for i = 1, 45 do filler[i] = "Some prose, line " .. i .. "." end
  filler[40] = "Owner: nobody (too far down to be metadata)"
  filler[41] = "Approved by: not this one, it is past the top"
  local body = Sec(F, "Policy", 2, 10, filler)
  local tail = Sec(F, "Related Documents", 2, 57, {
    "- [Asset Register](./Asset_Register.md)",
    "",
    "---",
    "",
    "**📋 Document Control:**  ",
    "**✅ Approved by:** James Pether Sörling, CEO  ",
    "**📤 Distribution:** Public  ",
    "**📅 Effective Date:** 2026-01-25  ",
    "**⏰ Next Review:** 2026-08-25",
  })
  local repo = build({md(F, "none", nil, {top, purpose, body, tail})})
  local doc = repo.documents[1]
  check("body owner", doc.owner, "CEO")
  check("body owner position", at(doc, "owner"), "3:23")
  check("body owner source", doc.source.owner, "body")
  check("body version", doc.version, "2.6")
  check("body date with (UTC)", doc.last_reviewed, "2026-01-25")
  check("body date position", at(doc, "last_reviewed"), "3:70")
  check("review cycle via freq.parse", doc.review_frequency, "semiannual")
  check("review cycle not a default", doc.defaults.review_frequency, nil)
  check("review cycle position", at(doc, "review_frequency"), "4:21")
  check("next review from the top, not the block", doc.next_review,
        "2026-07-25")
  check("approved_by from the closing block", doc.approved_by,
        "James Pether Sörling, CEO")
  check("approved_by position", at(doc, "approved_by"), "63:20")
  check("effective date", doc.effective, "2026-01-25")
  check("no owner past the top", doc.owner ~= "nobody", true)
  check("no reports", #reports, 0)
end

do
  local F = "policies/backup.md"
  local front = Map(F, 2, 1, {{"owner", "it-lead@example.com"},
                              {"version", "3"}})
  local sec = Sec(F, "Backup", 1, 5, {
    "",
    "| Field | Value |",
    "|---|---|",
    "| **Owner** | CEO |",
    "| Approved by | [Jane Roe](mailto:jane@example.com) |",
    "| Last Reviewed | 2026-03-01 |",
  })
  local repo = build({md(F, "fenced", front, {sec})})
  local doc = repo.documents[1]
  check("front matter owner kept", doc.owner, "it-lead@example.com")
  check("front matter owner keeps its place", where(doc, "owner"),
        where(front, "owner"))
  check("front matter version kept", doc.version, "3")
  check("table row: link text", doc.approved_by, "Jane Roe")
  check("table row position", at(doc, "approved_by"), "10:17")
  check("table row date", doc.last_reviewed, "2026-03-01")
  check("source only for body fields", doc.source.owner, nil)
  check("source of a table field", doc.source.approved_by, "body")
end

do
  local F = "policies/hr.md"
  local sec = Sec(F, "HR Policy", 1, 1, {
    "",
    "| Document Owner | Version | Last Updated | Review Cycle |",
    "|---|---|---|---|",
    "| Head of People | 1.4 | 2026-02-01 | Quarterly |",
    "| Former owner | 1.3 | 2025-02-01 | Annual |",
    "",
    "| Owner | Responsibilities |",
    "|---|---|",
    "| Managers | approve access |",
  })
  local doc = build({md(F, "none", nil, {sec})}).documents[1]
  check("header row of labels", doc.owner, "Head of People")
  check("header row: value position", at(doc, "owner"), "5:3")
  check("header row: date", doc.last_reviewed, "2026-02-01")
  check("header row: frequency", doc.review_frequency, "quarterly")
  check("header row: version", doc.version, "1.4")
end

do
  local F = "policies/raci.md"
  local sec = Sec(F, "RACI", 1, 1, {
    "", "| Owner | Responsibilities |", "|---|---|",
    "| Managers | approve access |",
  })
  local doc = build({md(F, "none", nil, {sec})}).documents[1]
  check("a header row with one label is not metadata", doc.owner, nil)
end

do
  local F = "policies/x.md"
  local sec = Sec(F, "X", 1, 1, {
    "", "**Owner:** {{securityOfficerName}}", "Review Cycle: whenever",
    "Last Updated: TBD", "Next Review: 2026-02-30",
  })
  local doc = build({md(F, "none", nil, {sec})}).documents[1]
  check("a template variable is an owner", doc.owner,
        "{{securityOfficerName}}")
  check("unreadable body frequency kept aside",
        doc.unreadable.review_frequency, "whenever")
  check("no annual default over it", doc.review_frequency, nil)
  local r = find_report("frequency-vocabulary")
  check("reported at the body value", r and ("%d:%d"):format(r.line,
        r.col), "4:15")
  check("a placeholder date is not read", doc.last_reviewed, nil)
  check("no invalid-value for a placeholder", find_report("invalid-value",
        "TBD"), nil)
  r = find_report("invalid-value", "2026-02-30")
  check("an impossible body date is reported", r and r.line, 6)
end

do
  local F = "AC-Policy.md"
  local h = Sec(F, "Access control policy", 1, 1, {"", "Text."})
  local v = Sec(F, "Version history", 1, 4, {
    "",
    "Complete version history: https://example.com/commits",
    "",
    "* 2016-10: Initial version",
    "* 2024-05: Updated links",
    "- 2021-13: Not a month",
  })
  local doc = build({md(F, "none", nil, {h, v})}).documents[1]
  check("history entries", #doc.history, 3)
  check("a month reads as its first day", doc.last_reviewed, "2024-05-01")
  check("review date at the entry", at(doc, "last_reviewed"), "9:3")
  check("entry text", doc.history[2].text, "Updated links")
  check("entry precision", doc.history[2].precision, "month")
  check("review date source", doc.source.last_reviewed, "body")
  check("impossible month reported", count("invalid-value"), 1)
end

do
  local F = "policies/access_control.md"
  local revs = Seq(F, 9, 3, {Map(F, 9, 5, {{"date", "Mar 1, 2023"}}),
                             Map(F, 10, 5, {{"comment", "Initial"}})})
  local front = Map(F, 1, 1, {{"name", "Access"}, {"majorRevisions", revs}})
  local sec = Sec(F, nil, 0, 12, {
    "",
    "|**Change / Revision Record**|",
    "|    :----:   |",
    "",
    "+------+------+",
    "| **Revision** | **Date** | **Description** |",
    "|  1.0  | 01 Mar 2023 | Initial Document |",
    "|  1.1  | 09 Feb 2023 | Minor changes |",
    "|       |             |                  |",
  })
  local repo = build({md(F, "header", front, {sec})})
  local doc = repo.documents[1]
  check("front matter revision is the review", doc.last_reviewed,
        "2023-03-01")
  check("marker line finds the revision table", doc.history and
        #doc.history, 2)
  check("table entry date", doc.history[2].date, "2023-02-09")
  check("table entry position", at(doc.history[2], "date"), "19:11")
  local r = find_report("invalid-value", "majorRevisions")
  check("split revision entry reported", r and ("%d:%d"):format(r.line,
        r.col), "10:5")
end

do
  local F = "policies/y.md"
  local sec = Sec(F, "Y", 1, 1, {
    "", "Updated: 3 links to the intranet", "Last Reviewed: May 2024",
  })
  local doc = build({md(F, "none", nil, {sec})}).documents[1]
  check("a value that does not start like a date is not read",
        count("invalid-value"), 0)
  check("month and year read as the first day", doc.last_reviewed,
        "2024-05-01")
end

-- ---- what a document is ----

do
  local repo = build({
    md("LICENSE.md", "none", nil, {Sec("LICENSE.md", "CC0", 1, 1,
       {"", "Covers A.5.15 too."})}),
    md("_index.md", "fenced", Map("_index.md", 2, 1, {{"title", "Ours"}}),
       {Sec("_index.md", nil, 0, 4, {"Intro."})}),
    md("vendor/index.md", "fenced", Map("vendor/index.md", 2, 1,
       {{"title", "Vendor policy"}}), {}),
    md("x/README.md", "fenced", Map("x/README.md", 2, 1,
       {{"owner", "ciso"}}), {}),
    md("templates/policies/access.md.tmpl", "none", nil, {}),
  })
  local d = repo.index.documents
  check("licence is housekeeping", d.LICENSE.readme, true)
  check("a section page with a title only is an introduction",
        d._index.readme, true)
  check("index.md with front matter is a page", d["vendor/index"].readme,
        false)
  check("a README with an owner is a document", d["x/README"].readme,
        false)
  check("template marked", d["templates/policies/access"].template, true)
  check("template id", d["templates/policies/access"] ~= nil, true)
end

-- ---- catalogues ----

do
  local F = "baseline/OSPS-AC.yaml"
  local g = Seq(F, 8, 7, {Map(F, 8, 9, {{"reference-id", "CSF"},
    {"entries", Seq(F, 9, 11, {
      Map(F, 9, 13, {{"reference-id", "PR.AA-01"}}),
      Map(F, 10, 13, {{"reference-id", "PR.A-02"}})})}}),
    Map(F, 11, 9, {{"reference-id", "OpenCRE"}, {"entries",
      Seq(F, 12, 11, {Map(F, 12, 13, {{"reference-id", "486-813"}})})}})})
  local c1 = Map(F, 4, 5, {{"id", "OSPS-AC-01"}, {"title", "MFA"},
    {"objective", "Reduce risk"}, {"guidelines", g}})
  local c2 = Map(F, 14, 5, {{"id", "OSPS-AC-02"}, {"title", "Least"}})
  local root = Map(F, 1, 1, {{"groups", Seq(F, 2, 3, {"AC"})},
                             {"controls", Seq(F, 4, 3, {c1, c2})}})
  local repo = build({yml(F, root)})
  check("a catalogue is not controls", #repo.controls, 0)
  local st = repo.standards[1]
  check("catalogue read as a standard", st and st.kind, "standard")
  check("catalogue name from the file", st.name, "OSPS-AC")
  check("catalogue requirements", #st.requirements, 2)
  check("requirement id", st.requirements[1].id, "OSPS-AC-01")
  check("requirement raw id", st.requirements[1].raw_id, "OSPS-AC-01")
  check("standard answers to its raw ids", st["OSPS-AC-02"], c2)
  check("guidelines -> maps", table.concat(c1.maps["nist-csf"], ","),
        "PR.AA-01,PR.A-02")
  check("maps item position", where(c1.maps["nist-csf"], 2),
        where(g[1].entries[2], "reference-id"))
  check("unknown catalogue key kept", c1.maps.OpenCRE[1], "486-813")
  check("unknown catalogue key not reported", count("unknown-framework"), 0)
  local own = Map(F, 4, 5, {{"id", "AC-1"}, {"objective", "x"},
                            {"owner", "ciso"}})
  repo = build({yml(F, Map(F, 1, 1, {{"controls", Seq(F, 4, 3, {c2, own})}}))})
  check("an owner anywhere makes them controls", #repo.controls, 2)
end

do
  local F = "templates/standards/soc2-security.json"
  local mapped = Seq(F, 8, 9, {"cp-sanctions", "cp-employee-sanctions"})
  local e1 = Map(F, 6, 7, {{"ref", "CC1.1"}, {"title", "COSO 1"},
                           {"mappedControls", mapped}})
  local e2 = Map(F, 11, 7, {{"ref", "cc9.9"}, {"mappedControls",
                            Seq(F, 12, 9, {})}})
  local root = Map(F, 1, 1, {{"standard", "SOC 2 Security"},
    {"domains", Seq(F, 3, 3, {Map(F, 3, 5, {{"title", "Control env"},
      {"controls", Seq(F, 5, 5, {e1, e2})}})})}})
  local G = "templates/standards/soc2-availability.json"
  local i1 = Map(G, 6, 7, {{"ref", "cp-sanctions"}, {"title", "Sanctions"}})
  local i2 = Map(G, 7, 7, {{"ref", "cp-bcdr"}})
  local inv = Map(G, 1, 1, {{"standard", "SOC 2 Availability"},
    {"domains", Seq(G, 3, 3, {Map(G, 3, 5, {
      {"title", "§ Availability\n【A1.2】 The entity authorizes"},
      {"controls", Seq(G, 5, 5, {i1, i2})}})})}})
  local repo = build({
    yml(F, root), yml(G, inv),
    md("templates/procedures/cp-sanctions.md.tmpl", "none", nil, {}),
    md("templates/procedures/cp-bcdr.md.tmpl", "none", nil, {}),
  })
  check("two catalogues", #repo.standards, 2)
  local st = repo.index.standards["SOC 2 Security"]
  check("framework from the title", st.framework, "soc2")
  check("ref -> id, canonical", st.requirements[2].id, "CC9.9")
  check("ref kept raw", st.requirements[2].raw_id, "cc9.9")
  check("id at the ref", where(st.requirements[1], "id"), where(e1, "ref"))
  check("mappedControls -> implemented_by", st.requirements[1].implemented_by,
        mapped)
  local av = repo.index.standards["SOC 2 Availability"]
  check("inverted: one requirement per group", #av.requirements, 1)
  check("inverted: id from the title", av.requirements[1].id, "A1.2")
  check("inverted: entries implement it",
        table.concat(av.requirements[1].implemented_by, ","),
        "cp-sanctions,cp-bcdr")
  check("inverted: entry position", where(av.requirements[1].implemented_by,
        2), where(i2, "ref"))
end

-- ---- declarations ----

do
  local C = "templates/config.json"
  local pol = Map(C, 3, 5, {{"id", "access"}, {"file", "policies/access.md"},
    {"name", "Access Control"}, {"adopted", "true"},
    {"procedures", Seq(C, 7, 7, {"cp-access-review", "ref-handbook"})}})
  local proc = Map(C, 10, 5, {{"id", "cp-access-review"},
    {"file", "procedures/cp-access-review.md"}, {"name", "Access Reviews"},
    {"type", "technical"}})
  local gone = Map(C, 14, 5, {{"id", "cp-gone"},
    {"file", "procedures/cp-gone.md"}})
  local ref = Map(C, 17, 5, {{"id", "ref-handbook"},
    {"file", "ref/handbook.md"}, {"adopted", "false"}})
  local root = Map(C, 1, 1, {{"policies", Seq(C, 3, 3, {pol})},
    {"procedures", Seq(C, 10, 3, {proc, gone})},
    {"references", Seq(C, 17, 3, {ref})}})
  local repo = build({
    yml(C, root),
    md("templates/policies/access.md.tmpl", "none", nil,
       {Sec("templates/policies/access.md.tmpl", "Access", 1, 1, {""})}),
    md("templates/procedures/cp-access-review.md.tmpl", "none", nil, {}),
    md("templates/ref/handbook.md.tmpl", "none", nil, {}),
  })
  local d = repo.index.documents
  local access = d.access
  check("declared id", access and access.id, "access")
  check("declared name over the heading", access.title, "Access Control")
  check("declared type", d["cp-access-review"].type, "procedure")
  check("a declared type is not a default",
        d["cp-access-review"].defaults.type, nil)
  check("id source", access.source.id, "declaration")
  check("declaration kept", access.declaration, pol)
  check("policy's procedures", access.procedures[1], "cp-access-review")
  check("procedure is part of its policy", d["cp-access-review"].part_of,
        "access")
  check("not adopted", d["ref-handbook"].adopted, false)
  check("declarations listed", #repo.declarations, 4)
  check("missing file: no document", gone.document, nil)
  check("declaration kind", gone.kind, "declaration")
  check("declaration path is its file", gone.path, C)
end

-- ---- unknown frameworks and stray dates ----

do
  local F = "SA_Policy/component.yaml"
  local e1 = Map(F, 4, 3, {{"control_key", "SA-1"},
                           {"standard_key", "NIST-800-53"}})
  local e2 = Map(F, 6, 3, {{"control_key", "SA-2"},
                           {"standard_key", "NIST-801-53"}})
  build({yml(F, Map(F, 1, 1, {{"name", "SA"},
                              {"satisfies", Seq(F, 4, 1, {e1, e2})}}))})
  local r = find_report("unknown-framework")
  check("hint in the repository's own spelling", r and r.message:find(
        "did you mean 'NIST-800-53'?", 1, true) ~= nil, true)
end

do
  local F = "markdowns/ssp.yaml"
  local la = Map(F, 3, 7, {{"owner", "AWS"}, {"date_granted", "2013-13-05"},
                           {"other", "2013-12-05"}})
  build({yml(F, Map(F, 1, 1, {{"information_system", Map(F, 2, 3,
    {{"leveraged", Seq(F, 3, 5, {la})}})}}))})
  local r = find_report("invalid-value", "2013-13-05")
  check("a stray impossible date is reported", r and ("%d:%d"):format(
        r.line, r.col), "4:21")
  check("only that one", count("invalid-value"), 1)
end

tests.done()
