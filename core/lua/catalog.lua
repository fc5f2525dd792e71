-- catalog.lua: the reference data of policies/ (framework catalogues, the
-- 2013-to-2022 correspondence, crosswalks, frequency expectations) turned
-- into an index that rules query through ctx.catalog. Pure Lua 5.4: it
-- reads only the tables it is given and calls no library outside string,
-- table and math. Every table it returns is shared or freshly built from
-- shared data: callers treat them as read-only.

local catalog = {}

local Catalog = {}
Catalog.__index = Catalog

-- Natural order --------------------------------------------------------

-- Splits an id into runs of digits (as numbers) and runs of other
-- characters.
local function tokens(s)
  local t = {}
  for digits, other in s:gmatch("(%d*)(%D*)") do
    if digits ~= "" then t[#t + 1] = tonumber(digits) end
    if other ~= "" then t[#t + 1] = other end
  end
  return t
end

-- True when a sorts before b: digit runs compare as numbers and before
-- text, text compares bytewise, a prefix sorts first ("9.2" < "9.2.1" <
-- "10"), and ties ("01" against "1") fall back to plain string order.
local function natural_less(a, b)
  local ta, tb = tokens(a), tokens(b)
  for i = 1, math.min(#ta, #tb) do
    local x, y = ta[i], tb[i]
    if x ~= y then
      local nx, ny = math.type(x) ~= nil, math.type(y) ~= nil
      if nx ~= ny then return nx end
      return x < y
    end
  end
  if #ta ~= #tb then return #ta < #tb end
  return a < b
end

catalog.natural_less = natural_less

-- Orders crosswalk and expectation records: framework key, then id.
local function by_framework_then_id(a, b)
  if a.framework ~= b.framework then return a.framework < b.framework end
  return natural_less(a.id, b.id)
end

-- Helpers --------------------------------------------------------------

local function fail(path, fmt, ...)
  error(("catalog: %s: " .. fmt):format(path, ...), 0)
end

local function copy_list(list)
  local out = {}
  for i, v in ipairs(list or {}) do out[i] = v end
  return out
end

-- A string field of a data item, or nil; anything else is an error.
local function str(path, item, key)
  local v = item[key]
  if v ~= nil and type(v) ~= "string" then
    fail(path, "'%s' of '%s' is not a string", key, tostring(item.id))
  end
  return v
end

-- A list of strings (a sequence), or an empty list when absent.
local function strings(path, item, key)
  local v = item[key]
  if v == nil then return {} end
  if type(v) ~= "table" then
    fail(path, "'%s' of '%s' is not a list", key, tostring(item.id))
  end
  for _, s in ipairs(v) do
    if type(s) ~= "string" then
      fail(path, "'%s' of '%s' holds a non-string", key, tostring(item.id))
    end
  end
  return copy_list(v)
end

-- A list of mappings (a sequence of tables), or an empty list.
local function items(path, doc, key)
  local v = doc[key]
  if v == nil then return {} end
  if type(v) ~= "table" then fail(path, "'%s' is not a list", key) end
  for i, item in ipairs(v) do
    if type(item) ~= "table" then
      fail(path, "item %d of '%s' is not a mapping", i, key)
    end
  end
  return v
end

local function need(path, item, key)
  local v = str(path, item, key)
  if v == nil or v == "" then
    fail(path, "an item lacks '%s' (near '%s')", key, tostring(item.id))
  end
  return v
end

-- Splits "iso27001:A.5.18" at its last colon (framework keys such as
-- "iso27001:2013" contain one; ids never do).
local function split_requirement(req)
  return req:match("^(.+):([^:]+)$")
end

-- Frameworks -----------------------------------------------------------

local function new_framework(self, path, key, meta)
  if self.fw[key] then fail(path, "framework '%s' defined twice", key) end
  local fw = {
    key = key, name = meta.name, version = meta.version,
    path = path, entries = {}, counts = {}, withdrawn = {},
  }
  self.fw[key] = fw
  return fw
end

local function add_entry(path, fw, e)
  if fw.entries[e.id] then
    fail(path, "id '%s' appears twice in '%s'", e.id, fw.key)
  end
  e.framework = fw.key
  fw.entries[e.id] = e
  fw.counts[e.kind] = (fw.counts[e.kind] or 0) + 1
end

-- Groups (SOC 2 series, 2013 domains and objectives) by id.
local function index_groups(path, doc, key)
  local out = {}
  for _, g in ipairs(items(path, doc, key)) do
    out[need(path, g, "id")] = g
  end
  return out
end

local function base_entry(path, req)
  return {
    id = need(path, req, "id"),
    kind = need(path, req, "kind"),
    title = str(path, req, "title"),
    parent = str(path, req, "parent"),
    note = str(path, req, "note"),
  }
end

-- Fills the SOC 2 fields of e: series, its heading and category.
local function soc2_fields(path, e, req, series)
  e.summary = need(path, req, "summary")
  e.title = e.title or e.summary
  e.series = str(path, req, "series")
  e.coso_principle = str(path, req, "coso_principle")
  local s = e.series and series[e.series]
  if e.series and not s then
    fail(path, "'%s' names unknown series '%s'", e.id, e.series)
  end
  if s then
    e.series_title = s.title
    e.category = s.category
  end
end

-- Fills the ISO 2022 control fields: theme, new_in_2022 (a boolean) and
-- the title variants.
local function iso_fields(path, e, req)
  e.theme = str(path, req, "theme")
  local new = str(path, req, "new_in_2022")
  if new ~= nil and new ~= "true" and new ~= "false" then
    fail(path, "'new_in_2022' of '%s' is '%s'", e.id, new)
  end
  if e.kind == "control" then e.new_in_2022 = new == "true" end
  e.variants = strings(path, req, "variants")
end

-- Fills the 2013 control fields: objective and domain with their titles.
local function iso2013_fields(path, e, req, objectives, domains)
  e.objective = str(path, req, "objective")
  if not e.objective then return end
  local o = objectives[e.objective]
  if not o then
    fail(path, "'%s' names unknown objective '%s'", e.id, e.objective)
  end
  e.parent = e.parent or e.objective
  e.objective_title = o.title
  e.domain = o.domain
  e.domain_title = domains[o.domain] and domains[o.domain].title
end

-- Fills the NIST CSF fields and records the informative references.
local function nist_fields(self, path, e, req)
  e.name = str(path, req, "name")
  e.statement = str(path, req, "statement")
  e.title = e.title or e.name or e.statement
  local refs = strings(path, req, "iso27001")
  if #refs > 0 then
    self.nist_refs[#self.nist_refs + 1] = {path, e.id, refs}
  end
  e.iso27001_note = str(path, req, "iso27001_note")
end

local function add_withdrawn(path, fw, doc)
  for _, w in ipairs(items(path, doc, "withdrawn")) do
    local id = need(path, w, "id")
    fw.withdrawn[id] = {
      framework = fw.key, id = id, kind = str(path, w, "kind"),
      name = str(path, w, "name"), note = str(path, w, "note"),
      incorporated_into = strings(path, w, "incorporated_into"),
    }
  end
end

-- The Annex A controls of iso27001 are also the iso27002 catalogue.
local function mirror_controls(self, path, fw, key, meta)
  local m = new_framework(self, path, key, {
    name = "ISO/IEC 27002", version = meta.version,
  })
  m.mirror_of = fw.key
  for _, e in pairs(fw.entries) do
    if e.kind == "control" then
      local c = {}
      for k, v in pairs(e) do c[k] = v end
      add_entry(path, m, c)
    end
  end
end

local function load_framework(self, path, doc)
  local meta = doc.framework
  if type(meta) ~= "table" then fail(path, "'framework' is not a mapping") end
  local key = need(path, meta, "key")
  local fw = new_framework(self, path, key, meta)
  local series = index_groups(path, doc, "series")
  local objectives = index_groups(path, doc, "objectives")
  local domains = index_groups(path, doc, "domains")
  for _, req in ipairs(items(path, doc, "requirements")) do
    local e = base_entry(path, req)
    if key == "soc2" then
      soc2_fields(path, e, req, series)
    elseif key == "nist-csf" then
      nist_fields(self, path, e, req)
    elseif key == "iso27001:2013" then
      iso2013_fields(path, e, req, objectives, domains)
    else
      iso_fields(path, e, req)
    end
    if not e.title then fail(path, "'%s' has no title", e.id) end
    add_entry(path, fw, e)
  end
  add_withdrawn(path, fw, doc)
  local alias = str(path, meta, "annex_a_as")
  if alias then mirror_controls(self, path, fw, alias, meta) end
end

-- Each NIST CSF entry learns the id of its function ("GV").
local function link_nist(self)
  local fw = self.fw["nist-csf"]
  if not fw then return end
  for _, e in pairs(fw.entries) do
    local top = e
    while top.parent and fw.entries[top.parent] do
      top = fw.entries[top.parent]
    end
    e.function_id = top.id
  end
end

-- Correspondence -------------------------------------------------------

local function push(map, key, value)
  local list = map[key]
  if not list then
    list = {}
    map[key] = list
  end
  list[#list + 1] = value
end

local function load_pairs(self, path, doc, key, c)
  for _, p in ipairs(items(path, doc, key)) do
    local from, to = need(path, p, "from"), need(path, p, "to")
    push(self.succ, from, to)
    push(self.pred, to, from)
    self.checks[#self.checks + 1] = {path, c.from, from}
    self.checks[#self.checks + 1] = {path, c.to, to}
  end
end

local function load_correspondence(self, path, doc)
  local c = doc.correspondence
  if type(c) ~= "table" then
    fail(path, "'correspondence' is not a mapping")
  end
  c = {from = need(path, c, "from"), to = need(path, c, "to")}
  load_pairs(self, path, doc, "pairs", c)
  load_pairs(self, path, doc, "clause_pairs", c)
  for _, key in ipairs({"no_predecessor", "new_clauses"}) do
    for _, id in ipairs(strings(path, doc, key)) do
      if self.pred[id] then
        fail(path, "'%s' is listed as new but has a predecessor", id)
      end
      self.checks[#self.checks + 1] = {path, c.to, id}
    end
  end
end

-- Crosswalks -----------------------------------------------------------

-- Records one counterpart pair in both directions; a pair given twice
-- keeps its first basis.
local function add_link(self, a_fw, a_id, b_fw, b_id, info)
  local key = a_fw .. "\0" .. a_id .. "\0" .. b_fw .. "\0" .. b_id
  if self.linked[key] then return end
  self.linked[key] = true
  self.linked[b_fw .. "\0" .. b_id .. "\0" .. a_fw .. "\0" .. a_id] = true
  local fwd = {framework = b_fw, id = b_id}
  local rev = {framework = a_fw, id = a_id}
  for k, v in pairs(info) do
    fwd[k] = v
    rev[k] = v
  end
  push(self.links, a_fw .. ":" .. a_id, fwd)
  push(self.links, b_fw .. ":" .. b_id, rev)
end

local function load_gaps(self, path, doc, to)
  for _, g in ipairs(items(path, doc, "gaps")) do
    local id = need(path, g, to)
    self.gap_list[#self.gap_list + 1] = {
      framework = to, id = id, title = str(path, g, "title"),
      net_new = str(path, g, "net_new"),
      clauses = strings(path, g, "clauses"),
    }
    self.checks[#self.checks + 1] = {path, to, id}
  end
end

local function load_crosswalk(self, path, doc)
  local x = doc.crosswalk
  if type(x) ~= "table" then fail(path, "'crosswalk' is not a mapping") end
  local from, to = need(path, x, "from"), need(path, x, "to")
  for _, row in ipairs(items(path, doc, "mappings")) do
    local id = need(path, row, from)
    self.checks[#self.checks + 1] = {path, from, id}
    local fit, why = str(path, row, "fit"), str(path, row, "rationale")
    for _, t in ipairs(items(path, row, to)) do
      local tid = need(path, t, "id")
      self.checks[#self.checks + 1] = {path, to, tid}
      add_link(self, from, id, to, tid, {
        basis = need(path, t, "basis"), fit = fit, rationale = why,
      })
    end
  end
  load_gaps(self, path, doc, to)
end

-- NIST's informative references, as crosswalk pairs. "4.2(a)" names
-- clause 4.2; the references as NIST wrote them stay in 'refs'.
local function link_nist_refs(self)
  local pending = {}
  for _, r in ipairs(self.nist_refs) do
    local path, csf_id = r[1], r[2]
    for _, raw in ipairs(r[3]) do
      local iso = raw:gsub("%(%w+%)$", "")
      local key = csf_id .. "\0" .. iso
      local p = pending[key]
      if not p then
        p = {csf_id, iso, {}}
        pending[key] = p
        pending[#pending + 1] = p
        self.checks[#self.checks + 1] = {path, "iso27001", iso}
      end
      p[3][#p[3] + 1] = raw
    end
  end
  for _, p in ipairs(pending) do
    local info = {basis = "nist-reference"}
    if #p[3] > 1 or p[3][1] ~= p[2] then info.refs = p[3] end
    add_link(self, "nist-csf", p[1], "iso27001", p[2], info)
  end
end

-- Expectations ---------------------------------------------------------

local function add_expectation(self, rec)
  push(self.exp, rec.requirement, rec)
end

local function load_expectations(self, path, doc)
  for _, x in ipairs(items(path, doc, "expectations")) do
    local name = need(path, x, "name")
    local activity = strings(path, x, "activity")
    for _, req in ipairs(strings(path, x, "requirements")) do
      local fw, id = split_requirement(req)
      if not fw then fail(path, "'%s' is not 'framework:id'", req) end
      self.checks[#self.checks + 1] = {path, fw, id}
      add_expectation(self, {
        name = name, title = str(path, x, "title"),
        frequency = need(path, x, "frequency"),
        rationale = need(path, x, "rationale"),
        activity = activity, requirement = req, framework = fw, id = id,
        source = "built-in",
      })
    end
  end
end

-- Construction ---------------------------------------------------------

-- Every id named by a correspondence, crosswalk or expectation must be
-- in its catalogue when that catalogue is loaded.
local function verify(self)
  for _, c in ipairs(self.checks) do
    local fw = self.fw[c[2]]
    if fw and not fw.entries[c[3]] then
      fail(c[1], "'%s' is not an id of '%s'", c[3], c[2])
    end
  end
  self.checks = nil
end

local function sort_framework(fw)
  local list = {}
  for _, e in pairs(fw.entries) do list[#list + 1] = e end
  table.sort(list, function(a, b) return natural_less(a.id, b.id) end)
  fw.sorted = list
end

local LOADERS = {
  {"framework", load_framework},
  {"correspondence", load_correspondence},
  {"crosswalk", load_crosswalk},
  {"expectations", load_expectations},
}

-- Builds a catalogue from a list of {path=, doc=} (doc: the YAML root,
-- every scalar a string). Raises "catalog: PATH: problem" on data that
-- does not have the documented shape. Documents without a recognised
-- top-level key are ignored.
function catalog.new(files)
  local self = setmetatable({
    fw = {}, succ = {}, pred = {}, links = {}, linked = {},
    exp = {}, gap_list = {}, nist_refs = {}, checks = {},
  }, Catalog)
  for _, loader in ipairs(LOADERS) do
    for _, f in ipairs(files) do
      local doc = f.doc
      if type(doc) == "table" and doc[loader[1]] ~= nil then
        loader[2](self, f.path or "?", doc)
      end
    end
  end
  link_nist(self)
  link_nist_refs(self)
  verify(self)
  for _, fw in pairs(self.fw) do sort_framework(fw) end
  self.nist_refs, self.linked = nil, nil
  return self
end

-- Queries --------------------------------------------------------------

-- Sorted list of {key=, name=, version=, count=, counts={kind=n}}.
function Catalog:frameworks()
  local out = {}
  for key, fw in pairs(self.fw) do
    local counts = {}
    for k, n in pairs(fw.counts) do counts[k] = n end
    out[#out + 1] = {
      key = key, name = fw.name, version = fw.version,
      count = #fw.sorted, counts = counts,
    }
  end
  table.sort(out, function(a, b) return a.key < b.key end)
  return out
end

-- The entry of a canonical id in a canonical framework, or nil.
function Catalog:lookup(fw, id)
  local f = self.fw[fw]
  return f and f.entries[id] or nil
end

-- Every entry of a framework in natural order (empty if unknown).
function Catalog:ids(fw)
  local f = self.fw[fw]
  return copy_list(f and f.sorted)
end

-- The withdrawn-id record {id=, kind=, name=, note=, incorporated_into=}
-- of an id the framework no longer has (NIST CSF 1.1 ids), or nil.
function Catalog:withdrawn(fw, id)
  local f = self.fw[fw]
  return f and f.withdrawn[id] or nil
end

-- The 2022 ids that replace a 2013 control or clause (empty if none).
function Catalog:successors(id)
  return copy_list(self.succ[id])
end

-- The 2013 ids that a 2022 control or clause replaces (empty if new).
function Catalog:predecessors(id)
  return copy_list(self.pred[id])
end

local function canonical_fw(self, fw)
  local f = self.fw[fw]
  return f and f.mirror_of or fw
end

-- Counterparts of a requirement in other frameworks, both directions:
-- list of {framework=, id=, basis=, fit=?, rationale=?, refs=?}, sorted.
function Catalog:crosswalk(fw, id)
  local out = copy_list(self.links[canonical_fw(self, fw) .. ":" .. id])
  table.sort(out, by_framework_then_id)
  return out
end

-- The ISO clauses with no counterpart in the crosswalk's source
-- framework: list of {framework=, id=, title=, net_new=, clauses=}.
function Catalog:gaps()
  return copy_list(self.gap_list)
end

-- Frequency expectations of one requirement: list of {name=, title=,
-- frequency=, rationale=, activity=, requirement=, source=}.
function Catalog:expectations(fw, id)
  local list = self.exp[canonical_fw(self, fw) .. ":" .. id]
  local out = copy_list(list)
  table.sort(out, function(a, b) return a.name < b.name end)
  return out
end

-- Every expectation record, by requirement then name.
function Catalog:all_expectations()
  local out = {}
  for _, list in pairs(self.exp) do
    for _, rec in ipairs(list) do out[#out + 1] = rec end
  end
  table.sort(out, function(a, b)
    if a.requirement ~= b.requirement then
      return by_framework_then_id(a, b)
    end
    return a.name < b.name
  end)
  return out
end

-- Any expectation record with this name, to copy its title and activity.
local function find_named(self, name)
  for _, list in pairs(self.exp) do
    for _, rec in ipairs(list) do
      if rec.name == name and rec.source == "built-in" then return rec end
    end
  end
  return nil
end

local function override_one(self, item)
  local fw, id = split_requirement(item.requirement)
  local req = canonical_fw(self, fw) .. ":" .. id
  local list = self.exp[req] or {}
  local hit = false
  for i, rec in ipairs(list) do
    if item.name == nil or rec.name == item.name then
      local new = {}
      for k, v in pairs(rec) do new[k] = v end
      new.default_frequency = rec.default_frequency or rec.frequency
      new.frequency, new.source = item.frequency, "config"
      new.rationale = item.rationale or new.rationale
      if item.activity then new.activity = copy_list(item.activity) end
      list[i], hit = new, true
    end
  end
  if hit then return end
  local like = item.name and find_named(self, item.name) or {}
  add_expectation(self, {
    name = item.name or "custom", title = like.title or req,
    frequency = item.frequency, rationale = item.rationale
      or like.rationale or "set by the organisation's configuration",
    activity = copy_list(item.activity or like.activity),
    requirement = req, framework = canonical_fw(self, fw), id = id,
    source = "config",
  })
end

-- Applies the configuration's expectations, a list of {requirement=,
-- frequency=, name=?, rationale=?, activity=?}, in order; requirement
-- keys must already be canonical ("iso27001:A.5.18"). An item with a
-- name changes that expectation only; without one it changes every
-- expectation of the requirement; rationale and activity, when given,
-- replace the built-in ones. A requirement with none gains a new one.
-- Returns a list of {index=, message=} for items it could not use or
-- whose id is not in a built-in catalogue (those are still applied).
function Catalog:override_expectations(list)
  local problems = {}
  for i, item in ipairs(list or {}) do
    local req, freq = item.requirement, item.frequency
    local fw, id
    if type(req) == "string" then fw, id = split_requirement(req) end
    if not fw or type(freq) ~= "string" then
      problems[#problems + 1] = {index = i,
        message = "an expectation needs 'requirement' (framework:id) and"
          .. " 'frequency'"}
    else
      if self.fw[fw] and not self.fw[fw].entries[id] then
        problems[#problems + 1] = {index = i,
          message = ("'%s' is not an id of '%s'"):format(id, fw)}
      end
      override_one(self, item)
    end
  end
  return problems
end

-- Levenshtein distance between two strings, bytewise.
local function distance(a, b)
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = {[0] = i}
    local ca = a:byte(i)
    for j = 1, #b do
      local cost = ca == b:byte(j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[#b]
end

-- Up to n (default 3) real ids of fw closest to id by edit distance,
-- ignoring case and surrounding space; ties go in natural order.
-- Returns the ids and, as a second list, their distances.
function Catalog:nearest(fw, id, n)
  local f = self.fw[fw]
  if not f then return {}, {} end
  local want = id:match("^%s*(.-)%s*$"):upper()
  local scored = {}
  for i, e in ipairs(f.sorted) do
    scored[i] = {e.id, distance(want, e.id:upper()), i}
  end
  table.sort(scored, function(a, b)
    if a[2] ~= b[2] then return a[2] < b[2] end
    return a[3] < b[3]
  end)
  local ids, dists = {}, {}
  for i = 1, math.min(n or 3, #scored) do
    ids[i], dists[i] = scored[i][1], scored[i][2]
  end
  return ids, dists
end

-- 'A.5.38' -> {'A', 5, 38}; 'CC9.9' -> {'CC', 9, 9}.
local function parts(id)
  local t = {}
  local s = id:upper():gsub("(%a)(%d)", "%1 %2"):gsub("(%d)(%a)", "%1 %2")
  for run in s:gmatch("%w+") do t[#t + 1] = tonumber(run) or run end
  return t
end

-- How many leading parts a and b share, and the numeric gap at the
-- first part where they differ (math.huge when that is not a number).
local function closeness(a, b)
  local n = 0
  while a[n + 1] ~= nil and a[n + 1] == b[n + 1] do n = n + 1 end
  local x, y = a[n + 1], b[n + 1]
  if math.type(x) and math.type(y) then return n, math.abs(x - y) end
  return n, math.huge
end

-- Candidates near wrong in each framework of fws, ranked: more shared
-- leading parts first, then the numerically nearest at the first
-- difference ('A.5.38': 'A.5.37' before 'A.5.3'), then edit distance,
-- then catalogue order. query(f) is what to look up in framework f.
local function ranked(self, fws, wrong, query)
  local want, out, seen = parts(wrong), {}, {}
  for fi, f in ipairs(fws) do
    local near, dist = self:nearest(f, query(f), 40)
    for i, id in ipairs(near) do
      -- the same spelling in another catalogue is no suggestion
      if not seen[id] and id ~= wrong then
        seen[id] = true
        local shared, gap = closeness(want, parts(id))
        out[#out + 1] = {framework = f, id = id, dist = dist[i],
                         order = fi * 1000 + i, shared = shared, gap = gap}
      end
    end
  end
  table.sort(out, function(a, b)
    if a.shared ~= b.shared then return a.shared > b.shared end
    if a.gap ~= b.gap then return a.gap < b.gap end
    if a.dist ~= b.dist then return a.dist < b.dist end
    return a.order < b.order
  end)
  return out
end

-- Up to n (default 2) real ids to suggest for a wrong one, from the
-- frameworks fws: {framework=, id=} near enough to help, that is within
-- half the wrong id's length in edits and, when the best shares more
-- than its first part with it ('CC9.9' and 'CC9.1'), sharing as much.
-- query(f), optional, gives the spelling to look up in framework f.
function Catalog:suggest(fws, wrong, n, query)
  local list = ranked(self, fws, wrong, query or function() return wrong end)
  local out, best = {}, list[1] and list[1].shared or 0
  for _, c in ipairs(list) do
    if #out == (n or 2) then break end
    if c.dist <= math.max(1, #wrong // 2) and (best < 2 or c.shared == best)
    then
      out[#out + 1] = {framework = c.framework, id = c.id}
    end
  end
  return out
end

-- The sorted keys of the frameworks whose catalogue has this id.
function Catalog:detect(id)
  local out = {}
  for key, f in pairs(self.fw) do
    if f.entries[id] then out[#out + 1] = key end
  end
  table.sort(out)
  return out
end

return catalog
