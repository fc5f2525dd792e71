-- commands.lua: the subcommands written in Lua, 'catalog' and 'map'.
-- The C core calls M.run(args, ctx) with the arguments after the
-- subcommand (args.command names it) and a ctx holding the catalogue;
-- run returns {text, status}: the text goes to standard output as is.
-- Uses auditlint.ids; everything else comes from ctx.catalog.

local ids = require("auditlint.ids")

local M = {}

-- The frameworks with a built-in catalogue, in the order answers use.
local CATALOGUED = {
  "soc2", "iso27001", "iso27002", "iso27001:2013", "nist-csf",
}

local LABEL = {
  soc2 = "SOC 2", iso27001 = "ISO 27001:2022",
  iso27002 = "ISO 27002:2022", ["iso27001:2013"] = "ISO 27001:2013",
  ["nist-csf"] = "NIST CSF 2.0", ["nist-800-53"] = "NIST SP 800-53",
}

local KIND = {
  criterion = "criterion", clause = "clause",
  control = "Annex A control", ["function"] = "function",
  category = "category", subcategory = "subcategory",
  objective = "control objective", domain = "control domain",
}

local USAGE = {
  catalog = [[
usage: auditlint catalog [OPTION...] [FRAMEWORK]

Without FRAMEWORK, lists the frameworks auditlint knows: key, name,
version and number of ids. With one, lists its ids and titles, one
'ID<TAB>TITLE' line each, in natural order (ISO 27001: clauses, then
Annex A; NIST CSF: functions, categories and subcategories). Framework
aliases are accepted: TSC, ISO27001, iso27001:2013, csf, ...

options:
  -f, --format FORMAT    text (default) or json
  -h, --help             show this help

exit status: 0 listed, 2 usage error or unknown framework.
]],
  map = [[
usage: auditlint map [OPTION...] ID...

Says what a requirement id is: its framework(s) and title, its
counterparts in the SOC 2 - ISO 27001 crosswalk and NIST's references,
its ISO 27001 2013/2022 correspondence and the frequency expectations
that apply. Write FRAMEWORK:ID to pick a framework ('soc2:CC6.1',
'iso27001:A.5.15', 'iso27001:2013:A.9.2.3'); otherwise every framework
that has the id answers ('5.1' is an ISO clause, 'A.5.1' a control).

options:
  -f, --format FORMAT    text (default) or json
  -h, --help             show this help

exit status: 0 every id is known, 1 an id is unknown (the nearest real
ids are suggested), 2 usage error.
]],
}

-- ---- small helpers ----

local function trim(s)
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

local function fail(command, fmt, ...)
  local text = ("auditlint: error: " .. fmt .. "\n"):format(...)
  if command then
    text = text .. ("try 'auditlint %s --help'\n"):format(command)
  end
  return {text, 2}
end

-- ---- JSON ----

local ESCAPES = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}

-- A JSON string; bytes that are not UTF-8 become U+FFFD.
local function json_string(s)
  if not utf8.len(s) then s = s:gsub("[\128-\255]", "\239\191\189") end
  return '"' .. s:gsub('[%c"\\]', function(c)
    return ESCAPES[c] or ("\\u%04x"):format(c:byte())
  end) .. '"'
end

local encode

local function is_array(t)
  return t[1] ~= nil or next(t) == nil
end

local function encode_array(t, pad)
  if #t == 0 then return "[]" end
  local inner = pad .. "  "
  local out = {}
  for i, v in ipairs(t) do out[i] = inner .. encode(v, inner) end
  return "[\n" .. table.concat(out, ",\n") .. "\n" .. pad .. "]"
end

-- Objects list their keys sorted, so the output is stable.
local function encode_object(t, pad)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = tostring(k) end
  table.sort(keys)
  local inner = pad .. "  "
  local out = {}
  for i, k in ipairs(keys) do
    out[i] = inner .. json_string(k) .. ": " .. encode(t[k], inner)
  end
  return "{\n" .. table.concat(out, ",\n") .. "\n" .. pad .. "}"
end

-- Encodes nil, booleans, numbers, strings and tables (a sequence or an
-- empty table is an array, any other table an object).
encode = function(v, pad)
  local t = type(v)
  if t == "string" then return json_string(v) end
  if t == "boolean" then return tostring(v) end
  if t == "number" then
    if math.type(v) == "integer" then return tostring(v) end
    if v ~= v or v == math.huge or v == -math.huge then return "null" end
    return ("%.14g"):format(v)
  end
  if t == "table" then
    if is_array(v) then return encode_array(v, pad or "") end
    return encode_object(v, pad or "")
  end
  return "null"
end

local function to_json(v)
  return encode(v, "") .. "\n"
end

-- ---- arguments ----

-- Parses OPTION... ARG...: -h/--help, -f/--format FORMAT (also
-- --format=FORMAT), '--' ends the options. Returns {help=, format=,
-- rest={...}} or nil and a message.
local function parse_args(args)
  local o = {format = "text", rest = {}}
  local i, options = 1, true
  while args[i] ~= nil do
    local a = args[i]
    if options and (a == "-h" or a == "--help") then
      o.help = true
    elseif options and (a == "-f" or a == "--format") then
      i = i + 1
      if args[i] == nil then
        return nil, ("option '%s' needs a format"):format(a)
      end
      o.format = args[i]
    elseif options and a:match("^%-%-format=") then
      o.format = a:match("^%-%-format=(.*)$")
    elseif options and a == "--" then
      options = false
    elseif options and a:match("^%-.") then
      return nil, ("unknown option '%s'"):format(a)
    else
      o.rest[#o.rest + 1] = a
    end
    i = i + 1
  end
  if o.format ~= "text" and o.format ~= "json" then
    return nil, ("unknown format '%s'; use text or json"):format(o.format)
  end
  return o
end

-- ---- catalog ----

local KIND_ORDER = {
  {"criterion", "criteria"}, {"clause", "clauses"}, {"control", "controls"},
  {"function", "functions"}, {"category", "categories"},
  {"subcategory", "subcategories"},
}

-- '41 clauses, 93 controls': the counts per kind, broadest kind first.
local function breakdown(counts)
  local out = {}
  for _, k in ipairs(KIND_ORDER) do
    local n = counts[k[1]]
    if n then out[#out + 1] = ("%d %s"):format(n, n == 1 and k[1] or k[2]) end
  end
  return table.concat(out, ", ")
end

-- cat:frameworks() in the order of CATALOGUED, then any others by key.
local function frameworks_in_order(cat)
  local rank = {}
  for i, k in ipairs(CATALOGUED) do rank[k] = i end
  local list = cat:frameworks()
  table.sort(list, function(a, b)
    local ra, rb = rank[a.key] or #CATALOGUED + 1, rank[b.key]
      or #CATALOGUED + 1
    if ra ~= rb then return ra < rb end
    return a.key < b.key
  end)
  return list
end

local function known_keys(cat)
  local keys = {}
  for _, f in ipairs(frameworks_in_order(cat)) do keys[#keys + 1] = f.key end
  return table.concat(keys, ", ")
end

local function frameworks_text(list)
  local lines = {}
  for _, f in ipairs(list) do
    lines[#lines + 1] = ("%-14s %-30s %-10s %4d  (%s)"):format(
      f.key, f.name, f.version:match("^%S+"), f.count, breakdown(f.counts))
  end
  lines[#lines + 1] = ("%-14s %-30s %-10s %4s  (ids only, no catalogue)")
    :format("nist-800-53", "NIST SP 800-53", "rev4/rev5", "-")
  return table.concat(lines, "\n") .. "\n"
end

local function frameworks_json(list)
  local out = {}
  for i, f in ipairs(list) do
    out[i] = {key = f.key, name = f.name, version = f.version,
              count = f.count, counts = f.counts, catalogue = true}
  end
  out[#out + 1] = {key = "nist-800-53", name = "NIST SP 800-53",
                   version = "rev4/rev5", count = 0, catalogue = false}
  return to_json(out)
end

local function entries_text(entries)
  local lines = {}
  for i, e in ipairs(entries) do
    lines[i] = e.id .. "\t" .. (e.title or "")
  end
  return table.concat(lines, "\n") .. "\n"
end

local function entries_json(entries)
  local out = {}
  for i, e in ipairs(entries) do
    out[i] = {id = e.id, kind = e.kind, title = e.title, parent = e.parent,
              theme = e.theme, new_in_2022 = e.new_in_2022}
  end
  return to_json(out)
end

local function catalog_framework(cat, name, format)
  local fw = ids.framework(name)
  if fw == "nist-800-53" then
    return fail(nil, "'%s' has no built-in catalogue: auditlint checks "
      .. "the form of its ids only", name)
  end
  if not fw or #cat:ids(fw) == 0 then
    return fail(nil, "unknown framework '%s'; known: %s", name,
      known_keys(cat))
  end
  local entries = cat:ids(fw)
  if format == "json" then return {entries_json(entries), 0} end
  return {entries_text(entries), 0}
end

local function run_catalog(args, cat)
  local o, err = parse_args(args)
  if not o then return fail("catalog", "%s", err) end
  if o.help then return {USAGE.catalog, 0} end
  if #o.rest > 1 then
    return fail("catalog", "expected one framework, not %d", #o.rest)
  end
  if o.rest[1] then return catalog_framework(cat, o.rest[1], o.format) end
  local list = frameworks_in_order(cat)
  if o.format == "json" then return {frameworks_json(list), 0} end
  return {frameworks_text(list), 0}
end

-- ---- map: finding what an id is ----

-- 'soc2:CC6.1', 'iso27001:2013:A.9.2.3' -> framework, id; a prefix that
-- is no framework key leaves the whole text as the id.
local function split_framework(text)
  local fw, id = text:match("^(.+):([^:]+)$")
  local key = fw and ids.framework(fw)
  if key then return key, trim(id) end
  return nil, trim(text)
end

-- The canonical id under fw, also for the CSF function and category ids
-- ('GV', 'PR.AA') that ids.canonical does not take.
local function canonical(cat, fw, raw)
  local id = ids.canonical(fw, raw)
  if id then return id end
  local up = raw:upper()
  if cat:lookup(fw, up) or cat:withdrawn(fw, up) then return up end
  return nil
end

-- The 2013 control objective or domain with this id, as an entry.
local function iso2013_group(cat, id)
  local members = {}
  local title, kind
  for _, e in ipairs(cat:ids("iso27001:2013")) do
    if e.objective == id then
      title, kind = e.objective_title, "objective"
      members[#members + 1] = e.id
    elseif e.domain == id and e.kind == "control" then
      title, kind = e.domain_title, "domain"
      members[#members + 1] = e.id
    end
  end
  if not kind then return nil end
  return {framework = "iso27001:2013", id = id, kind = kind,
          title = title, members = members}
end

-- The entry of id in fw, or a withdrawn CSF id or 2013 group, or nil.
local function find(cat, fw, id)
  local e = cat:lookup(fw, id)
  if e then return e end
  local w = fw == "nist-csf" and cat:withdrawn(fw, id)
  if w then
    return {framework = fw, id = id, kind = "withdrawn", withdrawn = w,
            title = w.name}
  end
  if fw == "iso27001:2013" then return iso2013_group(cat, id) end
  return nil
end

-- Every (framework, entry) the text may name: each framework reads the
-- text in its own form, and cat:detect says which catalogues have that
-- id ('5.1' is a clause of both editions; read the ISO 27002 way it is
-- control A.5.1). A control in both iso27001 and iso27002 is answered
-- once, as iso27001.
local function interpretations(cat, text)
  local fw, raw = split_framework(text)
  local out, seen = {}, {}
  local function add(f, id)
    local e = find(cat, f, id)
    local key = (f == "iso27002" and "iso27001" or f) .. ":" .. id
    if not e or seen[key] then return end
    seen[key] = true
    if f == "iso27002" then e = cat:lookup("iso27001", id) or e end
    out[#out + 1] = e
  end
  for _, f in ipairs(fw and {fw} or CATALOGUED) do
    local id = canonical(cat, f, raw)
    if id and fw then
      add(f, id)
    elseif id then
      local found = cat:detect(id)
      if #found == 0 then found = {f} end
      for _, g in ipairs(found) do add(g, id) end
    end
  end
  return out, fw, raw
end

-- ---- map: suggestions for an unknown id ----

-- Up to n real ids near raw, from fw or else from every framework in
-- whose form raw reads: list of {framework=, id=}.
local function suggest(cat, fw, raw, n)
  local fws = fw and {fw} or {}
  if not fw then
    for _, f in ipairs(CATALOGUED) do
      if ids.canonical(f, raw) then fws[#fws + 1] = f end
    end
    if #fws == 0 then fws = CATALOGUED end
  end
  return cat:suggest(fws, raw, n, function(f)
    return ids.canonical(f, raw) or raw
  end)
end

-- ---- map: describing an entry ----

local function title_of(cat, fw, id)
  local e = cat:lookup(fw, id)
  return e and e.title or ""
end

local function with_titles(cat, fw, list)
  local out = {}
  for i, id in ipairs(list) do
    out[i] = {framework = fw, id = id, title = title_of(cat, fw, id)}
  end
  return out
end

local function crosswalk_of(cat, fw, id, out, via)
  for _, x in ipairs(cat:crosswalk(fw, id)) do
    out[#out + 1] = {framework = x.framework, id = x.id, basis = x.basis,
                     fit = x.fit, rationale = x.rationale, refs = x.refs,
                     title = title_of(cat, x.framework, x.id), via = via}
  end
  return out
end

local function expectations_of(cat, fw, id, out, via)
  for _, x in ipairs(cat:expectations(fw, id)) do
    out[#out + 1] = {name = x.name, title = x.title, via = via,
                     frequency = x.frequency, rationale = x.rationale,
                     requirement = x.requirement}
  end
  return out
end

-- A 2013 control has no pairs of its own: those of its 2022
-- successors apply, marked 'via'.
local function pairs_of(cat, e, d)
  d.crosswalk = crosswalk_of(cat, e.framework, e.id, {})
  d.expectations = expectations_of(cat, e.framework, e.id, {})
  for _, s in ipairs(d.successors or {}) do
    crosswalk_of(cat, "iso27001", s.id, d.crosswalk, s.id)
    expectations_of(cat, "iso27001", s.id, d.expectations, s.id)
  end
end

-- The 2013/2022 correspondence of an ISO entry.
local function correspondence(cat, e, d)
  if e.framework == "iso27001:2013" then
    if e.kind == "objective" or e.kind == "domain" then
      d.members = with_titles(cat, "iso27001:2013", e.members)
    else
      d.successors = with_titles(cat, "iso27001", cat:successors(e.id))
    end
  elseif e.framework == "iso27001" or e.framework == "iso27002" then
    d.predecessors = with_titles(cat, "iso27001:2013",
                                 cat:predecessors(e.id))
    d.new_in_2022 = #d.predecessors == 0
  end
end

-- Everything map says about one entry, as a plain table.
local function describe(cat, e)
  local d = {framework = e.framework, id = e.id, kind = e.kind,
             title = e.title}
  if e.framework == "iso27001" and e.kind == "control" then
    d.also = {{framework = "iso27002", id = e.id}}
    d.theme = e.theme
  end
  d.parent = e.parent and {id = e.parent,
    title = title_of(cat, e.framework, e.parent)} or nil
  if e.series then
    d.series = {id = e.series, title = e.series_title,
                category = e.category}
  end
  if e.objective then
    d.objective = {id = e.objective, title = e.objective_title}
    d.domain = {id = e.domain, title = e.domain_title}
    d.parent = nil
  end
  if e.withdrawn then
    d.note, d.withdrawn_kind = e.withdrawn.note, e.withdrawn.kind
    d.incorporated_into = with_titles(cat, "nist-csf",
                                      e.withdrawn.incorporated_into)
  end
  correspondence(cat, e, d)
  pairs_of(cat, e, d)
  return d
end

-- ---- map: text output ----

local PAD = "                "

local function field(lines, label, value)
  lines[#lines + 1] = ("  %-14s%s"):format(label .. ":", value)
end

-- A labelled list: the first item on the label's line, the rest under it.
local function field_list(lines, label, items, none)
  if #items == 0 then
    if none then field(lines, label, none) end
    return
  end
  for i, s in ipairs(items) do
    if i == 1 then field(lines, label, s)
    else lines[#lines + 1] = PAD .. s end
  end
end

local function id_title(x)
  local s = x.id
  if x.title and x.title ~= "" then s = s .. "  " .. x.title end
  return s
end

local function ref_line(x, width)
  local tags = {x.basis}
  if x.fit then tags[#tags + 1] = x.fit end
  if x.refs then tags[#tags + 1] = "as " .. table.concat(x.refs, ", ") end
  if x.via then tags[#tags + 1] = "via " .. x.via end
  local ref = x.framework .. ":" .. x.id
  local s = ref .. (" "):rep(width - #ref)
  if x.title ~= "" then s = s .. "  " .. x.title end
  return ("%s  (%s)"):format(s, table.concat(tags, ", "))
end

-- Crosswalk lines; a rationale shared by every pair is printed once.
local function crosswalk_text(lines, list)
  local items, why, width = {}, {}, 0
  for _, x in ipairs(list) do
    width = math.max(width, #x.framework + 1 + #x.id)
  end
  for i, x in ipairs(list) do
    items[i] = ref_line(x, width)
    if x.rationale then why[x.rationale] = true end
  end
  field_list(lines, "crosswalk", items, "none")
  local only = next(why)
  if only and next(why, only) == nil then field(lines, "why", only) end
end

local function heading(d)
  if d.kind == "withdrawn" then
    return ("%s: NIST CSF 1.1 %s, withdrawn in 2.0"):format(d.id,
      d.withdrawn_kind or "id")
  end
  local kind = KIND[d.kind] or d.kind
  local s = ("%s: %s %s"):format(d.id, LABEL[d.framework], kind)
  if d.also then
    s = s .. (" (ISO 27002:2022 %s)"):format(d.id:gsub("^A%.", ""))
  end
  return s
end

local function iso_text(lines, d)
  if d.members then
    local items = {}
    for i, x in ipairs(d.members) do items[i] = id_title(x) end
    field_list(lines, "controls", items)
  end
  if d.successors then
    local items = {}
    for i, x in ipairs(d.successors) do items[i] = id_title(x) end
    field_list(lines, "in 2022", items, "none")
  end
  if d.predecessors then
    local items = {}
    for i, x in ipairs(d.predecessors) do items[i] = id_title(x) end
    field_list(lines, "in 2013", items, "none: new in 2022")
  end
end

local function entry_text(d)
  local lines = {heading(d)}
  if d.title then field(lines, "title", d.title) end
  if d.theme then field(lines, "theme", d.theme) end
  if d.series then
    field(lines, "series", id_title(d.series))
    field(lines, "category", d.series.category)
  end
  if d.objective then field(lines, "objective", id_title(d.objective)) end
  if d.domain then field(lines, "domain", id_title(d.domain)) end
  if d.parent then field(lines, "part of", id_title(d.parent)) end
  if d.note then field(lines, "note", d.note) end
  if d.incorporated_into then
    local items = {}
    for i, x in ipairs(d.incorporated_into) do items[i] = id_title(x) end
    field_list(lines, "now part of", items, "none")
  end
  iso_text(lines, d)
  crosswalk_text(lines, d.crosswalk)
  local exp = {}
  for i, x in ipairs(d.expectations) do
    exp[i] = ("%s: %s (%s%s)"):format(x.name, x.frequency,
      x.via and ("via " .. x.via .. "; ") or "", x.rationale)
  end
  field_list(lines, "expectations", exp, "none")
  return table.concat(lines, "\n") .. "\n"
end

local function unknown_text(answer)
  local fw = answer.framework
  local where = fw and (" in " .. LABEL[fw]) or ""
  local text = ("auditlint: '%s' is not a requirement id%s\n")
    :format(answer.query, where)
  if answer.note then text = text .. answer.note .. "\n" end
  if #answer.suggestions == 0 then
    return text .. "'auditlint catalog FRAMEWORK' lists the ids\n"
  end
  text = text .. "did you mean:\n"
  for _, s in ipairs(answer.suggestions) do
    text = text .. ("  %s:%s\n"):format(s.framework, id_title(s))
  end
  return text
end

-- ---- map ----

-- 'iso27001:A.9.2.3' asks for a 2013 id in the 2022 catalogue: says so
-- and suggests the successors. Returns the suggestions or nil.
local function old_edition(cat, fw, raw, answer)
  if fw ~= "iso27001" and fw ~= "iso27002" then return nil end
  local id = ids.canonical(fw, raw)
  if not (id and cat:lookup("iso27001:2013", id)) then return nil end
  answer.note = ("it is an ISO 27001:2013 id; 'auditlint map "
    .. "iso27001:2013:%s' describes it"):format(id)
  return with_titles(cat, "iso27001", cat:successors(id))
end

local function map_one(cat, text)
  local found, fw, raw = interpretations(cat, text)
  local answer = {query = text, framework = fw, matches = {}}
  for i, e in ipairs(found) do answer.matches[i] = describe(cat, e) end
  if #found == 0 then
    answer.suggestions = old_edition(cat, fw, raw, answer)
      or suggest(cat, fw, raw, 3)
    for _, s in ipairs(answer.suggestions) do
      s.title = title_of(cat, s.framework, s.id)
    end
  end
  return answer
end

local function answer_text(answer)
  if #answer.matches == 0 then return unknown_text(answer) end
  local blocks = {}
  for i, d in ipairs(answer.matches) do blocks[i] = entry_text(d) end
  return table.concat(blocks, "\n")
end

local function run_map(args, cat)
  local o, err = parse_args(args)
  if not o then return fail("map", "%s", err) end
  if o.help then return {USAGE.map, 0} end
  if #o.rest == 0 then return fail("map", "expected a requirement id") end
  local answers, status = {}, 0
  for i, text in ipairs(o.rest) do
    answers[i] = map_one(cat, text)
    if #answers[i].matches == 0 then status = 1 end
  end
  if o.format == "json" then return {to_json(answers), status} end
  local blocks = {}
  for i, a in ipairs(answers) do blocks[i] = answer_text(a) end
  return {table.concat(blocks, "\n"), status}
end

-- ---- entry point ----

local COMMANDS = {catalog = run_catalog, map = run_map}

function M.run(args, ctx)
  local run = COMMANDS[args.command]
  if not run then
    return fail(nil, "unknown command '%s'", tostring(args.command))
  end
  if not (ctx and ctx.catalog) then
    return fail(nil, "the reference data is not built in")
  end
  return run(args, ctx.catalog)
end

return M
