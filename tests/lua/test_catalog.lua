-- Tests for core/lua/catalog.lua against the shipped policies/ data.
--
--   lua5.4 tests/lua/test_catalog.lua [POLICIES.lua]
--
-- Without an argument the policies are converted on the fly by
-- tests/lua/yaml2lua.py (python3 with PyYAML); if PyYAML is missing the
-- test is skipped with a message. POLICIES.lua, if given, is a chunk that
-- returns the list of {path=, doc=} that the C loader would build.

local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
local root = here .. "/../.."
package.path = root .. "/core/lua/?.lua;" .. package.path
local catalog = require("catalog")

local function load_policies()
  if arg[1] then return dofile(arg[1]) end
  local cmd = ("python3 '%s/tests/lua/yaml2lua.py' '%s'"):format(root, root)
  local p = assert(io.popen(cmd))
  local text = p:read("a")
  local ok, _, code = p:close()
  if not ok then
    if code == 3 then
      print("skip: test_catalog needs python3 with PyYAML"
        .. " (apt-get install python3-yaml)")
      os.exit(0)
    end
    error("yaml2lua.py failed with status " .. tostring(code))
  end
  return assert(load(text, "=policies", "t"))()
end

local files = load_policies()
local cat = catalog.new(files)

-- Harness --------------------------------------------------------------

local failures, count = 0, 0

local function show(v)
  if type(v) ~= "table" then return tostring(v) end
  local parts = {}
  for i, x in ipairs(v) do parts[i] = show(x) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

local function eq(got, want, what)
  if show(got) ~= show(want) then
    error(("%s: got %s, want %s"):format(what or "value", show(got),
      show(want)), 2)
  end
end

local function test(name, fn)
  count = count + 1
  local ok, err = pcall(fn)
  if not ok then
    failures = failures + 1
    print("FAIL " .. name .. "\n  " .. tostring(err))
  end
end

local function ids_of(list)
  local out = {}
  for i, e in ipairs(list) do out[i] = e.id end
  return out
end

local function count_where(list, pred)
  local n = 0
  for _, e in ipairs(list) do
    if pred(e) then n = n + 1 end
  end
  return n
end

local function has(list, value)
  for _, v in ipairs(list) do
    if v == value then return true end
  end
  return false
end

local function counterpart_ids(fw, id, other)
  local out = {}
  for _, c in ipairs(cat:crosswalk(fw, id)) do
    if c.framework == other then out[#out + 1] = c.id end
  end
  return out
end

-- The data files themselves -------------------------------------------

local FORBIDDEN = {"controls", "systems", "scope", "soa", "evidence",
  "risks", "vendors", "isms", "documents"}

test("no data file uses a top-level key that means repository content",
  function()
    for _, f in ipairs(files) do
      for _, key in ipairs(FORBIDDEN) do
        assert(f.doc[key] == nil, f.path .. " has top-level '" .. key .. "'")
      end
    end
  end)

test("every scalar in the data is a string", function()
  local function walk(v, where)
    if type(v) == "table" then
      for k, x in pairs(v) do walk(x, where .. "." .. tostring(k)) end
    else
      assert(type(v) == "string", where .. " is a " .. type(v))
    end
  end
  for _, f in ipairs(files) do walk(f.doc, f.path) end
end)

-- Natural order -------------------------------------------------------

test("natural_less orders numbers by value and clauses before Annex A",
  function()
    local less = catalog.natural_less
    assert(less("A.5.2", "A.5.10"))
    assert(not less("A.5.10", "A.5.2"))
    assert(less("CC1.1", "CC1.2") and less("CC1.2", "CC2.1"))
    assert(less("9.2", "9.2.1") and less("9.3.3", "10"))
    assert(less("10.2", "A.5.1"))
    assert(less("GV.OC", "GV.OC-01") and less("GV.OC-09", "GV.OC-10"))
    assert(not less("A.5.1", "A.5.1"))
    assert(less("A.8.1", "A.8.1.1"))
  end)

test("ids(fw) lists entries in natural order", function()
  local list = ids_of(cat:ids("iso27001"))
  eq({list[1], list[41], list[42], list[51], list[#list]},
    {"4", "10.2", "A.5.1", "A.5.10", "A.8.34"}, "iso27001 order")
  local soc2 = ids_of(cat:ids("soc2"))
  for i = 2, #soc2 do
    assert(catalog.natural_less(soc2[i - 1], soc2[i]), soc2[i])
  end
  eq(#cat:ids("no-such-framework"), 0, "unknown framework")
end)

-- Counts ---------------------------------------------------------------

test("frameworks() lists the five catalogues with their counts", function()
  local got = {}
  for _, f in ipairs(cat:frameworks()) do
    got[#got + 1] = f.key .. "=" .. f.count
  end
  eq(got, {"iso27001=134", "iso27001:2013=149", "iso27002=93",
    "nist-csf=134", "soc2=61"}, "frameworks")
end)

test("SOC 2 has 61 criteria, 33 of them common criteria", function()
  local list = cat:ids("soc2")
  eq(#list, 61, "criteria")
  eq(count_where(list, function(e) return e.id:match("^CC") end), 33, "CC")
  eq(count_where(list, function(e) return e.kind == "criterion" end), 61,
    "kind")
  local per = {}
  for _, e in ipairs(list) do
    per[e.category] = (per[e.category] or 0) + 1
  end
  eq({per.security, per.availability, per.confidentiality,
    per["processing-integrity"], per.privacy}, {33, 3, 2, 5, 18},
    "per category")
end)

test("ISO 27001:2022 has 41 clause entries and 93 Annex A controls",
  function()
    local list = cat:ids("iso27001")
    local by = {}
    for _, e in ipairs(list) do
      local k = e.kind == "control" and e.theme or e.kind
      by[k] = (by[k] or 0) + 1
    end
    eq({by.clause, by.organizational, by.people, by.physical,
      by.technological}, {41, 37, 8, 14, 34}, "clauses and themes")
    eq(count_where(list, function(e) return e.new_in_2022 end), 11, "new")
    eq(count_where(list, function(e) return e.new_in_2022 == false end),
      82, "not new")
  end)

test("ISO 27002 mirrors the 93 Annex A controls and no clauses", function()
  local list = cat:ids("iso27002")
  eq(#list, 93, "controls")
  local e = cat:lookup("iso27002", "A.5.15")
  eq({e.framework, e.title}, {"iso27002", "Access control"}, "A.5.15")
  eq(cat:lookup("iso27002", "9.2"), nil, "clause")
end)

test("ISO 27001:2013 has 114 Annex A controls and 35 clauses", function()
  local list = cat:ids("iso27001:2013")
  eq(count_where(list, function(e) return e.kind == "control" end), 114,
    "controls")
  eq(count_where(list, function(e) return e.kind == "clause" end), 35,
    "clauses")
  local domains, objectives = {}, {}
  for _, e in ipairs(list) do
    if e.domain then domains[e.domain] = true end
    if e.objective then objectives[e.objective] = true end
  end
  local nd, no = 0, 0
  for _ in pairs(domains) do nd = nd + 1 end
  for _ in pairs(objectives) do no = no + 1 end
  eq({nd, no}, {14, 35}, "domains and objectives")
end)

test("NIST CSF 2.0 has 6 functions, 22 categories, 106 subcategories",
  function()
    local by = {}
    for _, e in ipairs(cat:ids("nist-csf")) do
      by[e.kind] = (by[e.kind] or 0) + 1
    end
    eq({by["function"], by.category, by.subcategory}, {6, 22, 106}, "kinds")
    local gv = count_where(cat:ids("nist-csf"), function(e)
      return e.kind == "subcategory" and e.function_id == "GV"
    end)
    eq(gv, 31, "GV subcategories")
  end)

test("NIST CSF 2.0 knows the withdrawn CSF 1.1 ids", function()
  local w = cat:withdrawn("nist-csf", "PR.AC-01")
  assert(w, "PR.AC-01 withdrawn")
  eq(w.incorporated_into, {"PR.AA-01", "PR.AA-05"}, "PR.AC-01")
  eq(cat:lookup("nist-csf", "PR.AC-01"), nil, "not a live id")
  local rs = cat:withdrawn("nist-csf", "RS.RP")
  eq({rs.kind, rs.name}, {"category", "Response Planning"}, "RS.RP")
  eq(cat:withdrawn("nist-csf", "GV.OC-01"), nil, "live id")
end)

-- Lookups and titles ------------------------------------------------------

test("lookup returns titles and fields in every framework", function()
  local e = cat:lookup("soc2", "CC6.1")
  eq({e.framework, e.kind, e.series, e.series_title, e.category},
    {"soc2", "criterion", "CC6", "Logical and Physical Access Controls",
      "security"}, "CC6.1")
  assert(e.title and e.title == e.summary, "CC6.1 summary")
  eq(cat:lookup("soc2", "CC1.1").coso_principle, "1", "COSO")
  e = cat:lookup("iso27001", "A.8.2")
  eq({e.kind, e.title, e.theme, e.new_in_2022},
    {"control", "Privileged access rights", "technological", false}, "A.8.2")
  e = cat:lookup("iso27001", "9.2")
  eq({e.kind, e.title, e.parent}, {"clause", "Internal audit", "9"}, "9.2")
  eq(cat:lookup("iso27001", "5.2").title, "Policy", "clause 5.2")
  eq(cat:lookup("iso27001", "A.5.2").title,
    "Information security roles and responsibilities", "A.5.2")
  e = cat:lookup("iso27001:2013", "A.9.2.3")
  eq({e.title, e.objective, e.domain, e.domain_title},
    {"Management of privileged access rights", "A.9.2", "A.9",
      "Access control"}, "A.9.2.3")
  e = cat:lookup("nist-csf", "GV")
  eq({e.kind, e.title}, {"function", "Govern"}, "GV")
  e = cat:lookup("nist-csf", "GV.PO-01")
  eq({e.kind, e.parent, e.function_id}, {"subcategory", "GV.PO", "GV"},
    "GV.PO-01")
  assert(e.statement:match("^Policy for managing cybersecurity risks"))
  eq(cat:lookup("soc2", "CC9.9"), nil, "unknown id")
  eq(cat:lookup("nope", "CC6.1"), nil, "unknown framework")
end)

test("A.5.23 is new in 2022 and has no predecessor", function()
  eq(cat:lookup("iso27001", "A.5.23").new_in_2022, true, "new")
  eq(cat:predecessors("A.5.23"), {}, "predecessors")
end)

test("detect names every framework holding an id", function()
  eq(cat:detect("A.5.15"), {"iso27001", "iso27002"}, "A.5.15")
  eq(cat:detect("5.2"), {"iso27001", "iso27001:2013"}, "5.2")
  eq(cat:detect("A.9.2.3"), {"iso27001:2013"}, "A.9.2.3")
  eq(cat:detect("CC6.1"), {"soc2"}, "CC6.1")
  eq(cat:detect("GV.PO-01"), {"nist-csf"}, "GV.PO-01")
  eq(cat:detect("6.3"), {"iso27001"}, "6.3")
  eq(cat:detect("X.1"), {}, "unknown")
end)

-- Correspondence 2013 -> 2022 --------------------------------------------

test("the correspondence has 115 pairs in both directions", function()
  local fwd, back = 0, 0
  for _, e in ipairs(cat:ids("iso27001:2013")) do
    if e.kind == "control" then
      local s = cat:successors(e.id)
      assert(#s >= 1, e.id .. " has no successor")
      fwd = fwd + #s
    end
  end
  local none = {}
  for _, e in ipairs(cat:ids("iso27001")) do
    if e.kind == "control" then
      local p = cat:predecessors(e.id)
      back = back + #p
      if #p == 0 then none[#none + 1] = e.id end
      eq(#p == 0, e.new_in_2022, e.id .. " new flag")
    end
  end
  eq({fwd, back}, {115, 115}, "pairs")
  eq(none, {"A.5.7", "A.5.23", "A.5.30", "A.7.4", "A.8.9", "A.8.10",
    "A.8.11", "A.8.12", "A.8.16", "A.8.23", "A.8.28"}, "no predecessor")
end)

test("sample 2013 ids translate to their 2022 successors", function()
  eq(cat:successors("A.18.2.3"), {"A.5.36", "A.8.8"}, "A.18.2.3")
  eq(cat:successors("A.9.2.3"), {"A.8.2"}, "A.9.2.3")
  eq(cat:successors("A.9.2.5"), {"A.5.18"}, "A.9.2.5")
  eq(cat:successors("A.13.1.1"), {"A.8.20"}, "A.13.1.1")
  eq(cat:successors("A.13.2.1"), {"A.5.14"}, "A.13.2.1")
  eq(cat:predecessors("A.5.18"), {"A.9.2.2", "A.9.2.5", "A.9.2.6"},
    "A.5.18")
  eq(cat:predecessors("A.7.10"),
    {"A.8.3.1", "A.8.3.2", "A.8.3.3", "A.11.2.5"}, "A.7.10")
  eq(cat:successors("A.99.1.1"), {}, "unknown")
end)

test("clauses follow the 2013 to 2022 renumbering", function()
  eq(cat:successors("10.1"), {"10.2"}, "10.1")
  eq(cat:successors("10.2"), {"10.1"}, "10.2")
  eq(cat:successors("9.2"), {"9.2.1", "9.2.2"}, "9.2")
  eq(cat:predecessors("6.3"), {}, "6.3")
end)

-- Crosswalks --------------------------------------------------------------

test("every SOC 2 criterion has at least one ISO counterpart", function()
  for _, e in ipairs(cat:ids("soc2")) do
    local c = cat:crosswalk("soc2", e.id)
    assert(#c > 0, e.id .. " has no counterpart")
    for _, x in ipairs(c) do
      eq(x.framework, "iso27001", e.id .. " framework")
      assert(x.basis == "series-reference" or x.basis == "judgement",
        e.id .. " basis " .. tostring(x.basis))
      assert(x.rationale and x.fit, e.id .. " rationale and fit")
    end
  end
end)

test("CC6.1 maps to A.5.15 and back", function()
  assert(has(counterpart_ids("soc2", "CC6.1", "iso27001"), "A.5.15"))
  assert(has(counterpart_ids("iso27001", "A.5.15", "soc2"), "CC6.1"))
  assert(has(counterpart_ids("iso27002", "A.5.15", "soc2"), "CC6.1"))
  local c = cat:crosswalk("soc2", "CC6.1")
  for i = 2, #c do
    assert(catalog.natural_less(c[i - 1].id, c[i].id), "sorted")
  end
end)

test("access review criteria and controls cross-reference", function()
  eq(counterpart_ids("soc2", "CC6.2", "iso27001"), {"A.5.16", "A.5.18"},
    "CC6.2")
  assert(has(counterpart_ids("iso27001", "A.8.2", "soc2"), "CC6.3"))
  assert(has(counterpart_ids("iso27001", "9.2", "soc2"), "CC4.1"))
end)

test("privacy rows point to A.5.34 only, PI rows are weak", function()
  for _, e in ipairs(cat:ids("soc2")) do
    local c = cat:crosswalk("soc2", e.id)
    if e.series:match("^P%d") then
      eq(ids_of(c), {"A.5.34"}, e.id)
      eq(c[1].fit, "weak", e.id .. " fit")
    elseif e.series == "PI1" then
      eq(c[1].fit, "weak", e.id .. " fit")
    end
  end
end)

test("ISO clauses 4-10 are listed as gaps", function()
  eq(ids_of(cat:gaps()), {"4", "5", "6", "7", "8", "9", "10"}, "gaps")
  for _, g in ipairs(cat:gaps()) do
    eq(g.framework, "iso27001", g.id)
    assert(g.net_new and #g.clauses > 0, g.id)
  end
end)

test("NIST references link CSF ids and ISO ids both ways", function()
  local c = cat:crosswalk("nist-csf", "GV.OC-03")
  eq(ids_of(c), {"4.2", "A.5.20", "A.5.31"}, "GV.OC-03")
  eq(c[1].refs, {"4.2(a)", "4.2(b)"}, "4.2 refs")
  eq(c[1].basis, "nist-reference", "basis")
  eq(c[2].refs, nil, "plain ref")
  assert(has(counterpart_ids("iso27001", "4.2", "nist-csf"), "GV.OC-03"))
  assert(has(counterpart_ids("iso27001", "A.8.16", "nist-csf"), "DE"))
  eq(counterpart_ids("nist-csf", "GV.RM-07", "iso27001"), {"6.1.1"},
    "GV.RM-07")
  eq(counterpart_ids("iso27001", "A.5.15", "nist-csf"),
    {"PR.AA", "PR.AA-01", "PR.AA-03", "PR.AA-05", "PR.DS-01", "PR.DS-02",
      "PR.DS-10"}, "A.5.15")
end)

-- Expectations -------------------------------------------------------------

local function freqs(fw, id)
  local out = {}
  for _, x in ipairs(cat:expectations(fw, id)) do
    out[#out + 1] = x.name .. "=" .. x.frequency
  end
  return out
end

test("built-in expectations by requirement", function()
  eq(freqs("iso27001", "A.5.18"), {"access-review=quarterly"}, "A.5.18")
  eq(freqs("iso27002", "A.5.18"), {"access-review=quarterly"}, "27002")
  eq(freqs("soc2", "CC6.2"), {"access-review=quarterly"}, "CC6.2")
  eq(freqs("iso27001", "9.2"), {"internal-audit=annual"}, "9.2")
  eq(freqs("iso27001", "9.3"), {"management-review=annual"}, "9.3")
  eq(freqs("iso27001", "A.8.8"),
    {"penetration-test=annual", "vulnerability-scanning=monthly"}, "A.8.8")
  eq(freqs("soc2", "A1.3"),
    {"continuity-test=annual", "restore-test=annual"}, "A1.3")
  eq(freqs("iso27001", "A.5.1"), {"policy-review=annual"}, "A.5.1")
  eq(freqs("iso27001", "A.7.7"), {}, "none")
  local x = cat:expectations("iso27001", "A.5.18")[1]
  eq(x.requirement, "iso27001:A.5.18", "requirement")
  assert(has(x.activity, "access review") and x.rationale ~= "")
  eq(x.source, "built-in", "source")
end)

test("all_expectations is sorted and complete", function()
  local all = cat:all_expectations()
  eq(#all, 33, "records")
  for i = 2, #all do
    local a, b = all[i - 1], all[i]
    assert(a.framework < b.framework or (a.framework == b.framework
      and (a.id == b.id or catalog.natural_less(a.id, b.id))),
      b.requirement)
  end
end)

test("configuration overrides change and extend expectations", function()
  local c = catalog.new(files)
  local problems = c:override_expectations({
    {requirement = "iso27001:A.5.18", frequency = "monthly"},
    {requirement = "iso27001:A.8.8", frequency = "weekly",
      name = "vulnerability-scanning"},
    {requirement = "soc2:CC6.6", frequency = "quarterly",
      name = "access-review"},
    {requirement = "iso27001:A.7.7", frequency = "monthly"},
    {requirement = "soc2:CC7.2", frequency = "daily",
      activity = {"alert triage"}, rationale = "our SOC works daily"},
    {requirement = "iso27001:A.5.99", frequency = "annual"},
    {frequency = "annual"},
  })
  eq(#problems, 2, "problems")
  eq({problems[1].index, problems[2].index}, {6, 7}, "problem items")
  local cc72 = c:expectations("soc2", "CC7.2")[1]
  eq({cc72.frequency, cc72.activity, cc72.rationale, cc72.name},
    {"daily", {"alert triage"}, "our SOC works daily", "log-review"},
    "activity and rationale")
  local x = c:expectations("iso27001", "A.5.18")[1]
  eq({x.frequency, x.default_frequency, x.source},
    {"monthly", "quarterly", "config"}, "override")
  eq(c:expectations("soc2", "CC6.2")[1].frequency, "quarterly", "others")
  local a88 = c:expectations("iso27001", "A.8.8")
  eq({a88[1].frequency, a88[2].frequency}, {"annual", "weekly"}, "by name")
  local cc66 = c:expectations("soc2", "CC6.6")[1]
  eq({cc66.frequency, cc66.title}, {"quarterly", "User access review"},
    "extend with a named expectation")
  assert(has(cc66.activity, "access review"), "activity copied")
  eq(c:expectations("iso27001", "A.7.7")[1].name, "custom", "custom")
  eq(cat:expectations("iso27001", "A.5.18")[1].frequency, "quarterly",
    "other catalogues untouched")
end)

-- Nearest ids ---------------------------------------------------------------

test("nearest suggests real ids for wrong ones", function()
  local ids, dist = cat:nearest("soc2", "CC9.9", 3)
  eq(ids, {"CC9.1", "CC9.2", "CC1.1"}, "CC9.9")
  eq(dist, {1, 1, 2}, "CC9.9 distances")
  eq(cat:nearest("soc2", "CC1.0"), {"CC1.1", "CC1.2", "CC1.3"}, "CC1.0")
  eq(cat:nearest("soc2", " cc6.1 ", 1), {"CC6.1"}, "case and space")
  eq(cat:nearest("iso27001", "A.5.38"), {"A.5.3", "A.5.8", "A.5.18"},
    "A.5.38")
  assert(has(cat:nearest("iso27001", "A.5.38", 12), "A.5.37"), "A.5.37")
  eq(cat:nearest("nist-csf", "GV.P0-01", 1), {"GV.PO-01"}, "GV.P0-01")
  assert(has(cat:nearest("nist-csf", "GV.PO-1"), "GV.PO-01"), "GV.PO-1")
  eq(cat:nearest("nope", "X"), {}, "unknown framework")
end)

test("suggest ranks by shared parts, then numeric nearness", function()
  local function ids_of(list)
    local out = {}
    for i, s in ipairs(list) do out[i] = s.id end
    return out
  end
  eq(ids_of(cat:suggest({"iso27001"}, "A.5.38", 2)), {"A.5.37", "A.5.36"},
    "A.5.38")
  eq(ids_of(cat:suggest({"soc2"}, "CC9.9")), {"CC9.2", "CC9.1"}, "CC9.9")
  eq(cat:suggest({"soc2"}, "CC9.9")[1].framework, "soc2", "framework")
  eq(ids_of(cat:suggest({"soc2"}, "ZZZZZZZZ")), {}, "nothing near")
end)

-- Bad data ------------------------------------------------------------------

local function raises(fn, pattern)
  local ok, err = pcall(fn)
  assert(not ok, "no error raised")
  assert(tostring(err):find(pattern, 1, true), tostring(err))
end

test("catalog.new names the file of malformed data", function()
  raises(function()
    catalog.new({{path = "p/a.yml", doc = {framework = {key = "x"},
      requirements = {{id = "1", kind = "clause"}}}}})
  end, "catalog: p/a.yml: '1' has no title")
  raises(function()
    catalog.new({{path = "p/b.yml", doc = {framework = {key = "x"},
      requirements = {{id = "1", kind = "clause", title = "t"},
        {id = "1", kind = "clause", title = "u"}}}}})
  end, "catalog: p/b.yml: id '1' appears twice in 'x'")
  local bad = {}
  for i, f in ipairs(files) do bad[i] = f end
  bad[#bad + 1] = {path = "p/c.yml", doc = {
    crosswalk = {from = "soc2", to = "iso27001"},
    mappings = {{soc2 = "CC6.1", iso27001 = {{id = "A.5.38",
      basis = "judgement"}}}}}}
  raises(function() catalog.new(bad) end,
    "catalog: p/c.yml: 'A.5.38' is not an id of 'iso27001'")
  eq(#catalog.new({{path = "p/d.yml", doc = {other = "x"}}}):frameworks(),
    0, "unrecognised file ignored")
end)

print(("test_catalog: %d tests, %d failed"):format(count, failures))
os.exit(failures == 0 and 0 or 1)
