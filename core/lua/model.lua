-- auditlint model: turns the loaded files into the repository model of
-- docs/rule-api.md, reading every convention of docs/formats.md:
-- front matter and the metadata a document keeps in its body, data
-- registers, OpenControl components, catalogues (comply standards, OSSF
-- baselines, JupiterOne standards) and files that declare document ids.
-- Objects are the loader's own mapping tables, normalised in place, so
-- every field keeps its file position (a body value takes the position
-- of its text); values that cannot be read are reported here, once, and
-- kept aside in object.unreadable. Uses auditlint.freq, auditlint.date,
-- auditlint.ids.

local freq = require("auditlint.freq")
local date = require("auditlint.date")
local ids = require("auditlint.ids")
local text = require("auditlint.text")

local M = {}

-- ---- small helpers ----

-- Most values have no surrounding space: check the end bytes first.
local function trim(s)
  local a, z = s:byte(1), s:byte(-1)
  if a == nil or (a > 32 and z > 32) then return s end
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

-- Registers repeat the same ids and words many times: b.trimmed[s] is
-- trim(s), remembered for one build, so the common case is one read.
local trim_memo = {__index = function(t, s)
  local v = trim(s)
  t[s] = v
  return v
end}

-- Mappings and sequences both arrive as tables; a sequence has item 1.
local function is_map(v)
  return type(v) == "table" and v[1] == nil
end

local function is_list(v)
  return type(v) == "table" and (v[1] ~= nil or next(v) == nil)
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do
    if type(k) == "string" then keys[#keys + 1] = k end
  end
  table.sort(keys)
  return keys
end

-- Keys in the order they are written in the file, so that objects read
-- from a mapping (a register keyed by id, a comply standard) keep the
-- order a reader sees.
local function keys_in_file_order(b, t)
  local keys = sorted_keys(t)
  local line = {}
  for _, k in ipairs(keys) do
    local _, l, c = b.ctx.key_where(t, k)
    line[k] = (l or math.huge) * 100000 + (c or 0)
  end
  table.sort(keys, function(x, y)
    if line[x] ~= line[y] then return line[x] < line[y] end
    return x < y
  end)
  return keys
end

local function strip_ext(path)
  local s, n = path:gsub("%.md%.tmpl$", "")
  if n > 0 then return s end
  s, n = path:gsub("%.markdown$", "")
  if n > 0 then return s end
  s, n = path:gsub("%.md$", "")
  if n > 0 then return s end
  return (path:gsub("%.[^./]*$", ""))
end

local clean_path = text.clean_path

local function dir_of(path)
  return path:match("^(.*)/[^/]*$")
end

-- Text that stands for a value still to be written.
local function is_placeholder(v)
  v = trim(v)
  return v == "" or v:find("^<.*>$") ~= nil or v:find("^%[.*%]$") ~= nil
    or v:find("^{{.*}}$") ~= nil
end

local function levenshtein(a, b)
  if a == b then return 0 end
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = {[0] = i}
    local ca = a:byte(i)
    for j = 1, #b do
      local cost = (ca == b:byte(j)) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[#b]
end

-- ---- the builder: ctx, the repo under construction, bookkeeping ----

local function place(b, dst, dk, src, sk)
  b.ctx.copy_pos(dst, dk, src, sk)
end

local function report(b, rule, severity, at, key, message, subject)
  b.ctx.report{rule = rule, severity = severity, at = at, key = key,
               message = message, subject = subject}
end

local function quote(v)
  if type(v) == "string" then return v end
  return type(v) == "table" and "a list or mapping" or tostring(v)
end

-- Moves obj[field] aside into obj.unreadable (position kept) and
-- reports it under rule.
local function set_unreadable(b, obj, field, rule, message)
  local u = obj.unreadable
  if type(u) ~= "table" then
    u = {}
    b.ctx.set_pos(u, obj)
    obj.unreadable = u
  end
  u[field] = obj[field]
  place(b, u, field, obj, field)
  local subject = ("%s:%s:%s"):format(obj.kind or "value",
    type(obj.id) == "string" and obj.id or "", field)
  if obj.kind == nil then subject = subject .. ":" .. quote(obj[field]) end
  obj[field] = nil
  report(b, rule, "warning", obj, field, message, subject)
end

-- Gives obj[to] the value and position of obj[from] unless obj[to] is
-- already set; the original key stays for rules that want it.
local function alias(b, obj, from, to)
  if obj[to] == nil and obj[from] ~= nil then
    obj[to] = obj[from]
    place(b, obj, to, obj, from)
  end
end

-- ---- value normalisers: each reads obj[field] in place ----

local function norm_date(b, obj, field)
  local v = obj[field]
  if v == nil then return end
  local d, why = date.parse(v)
  if d then
    obj[field] = d
    return
  end
  local detail = (why and why ~= "not a date" and why ~= "not a text value")
                 and (": " .. why) or ""
  set_unreadable(b, obj, field, "invalid-value",
    ("cannot read '%s' as a date%s; write it as YYYY-MM-DD")
      :format(quote(v), detail))
end

local vocabulary = table.concat(freq.names, ", ", 1, #freq.names - 1)
  .. " or " .. freq.names[#freq.names]

-- A word that is not in the vocabulary ('periodically', 'as needed') is
-- a wording problem with its own rule; a broken cron expression or a
-- number is simply unreadable.
local function norm_freq(b, obj, field)
  local v = obj[field]
  if v == nil then return end
  local f, why = freq.parse(v)
  if f then
    obj[field] = f
    return
  end
  if type(v) == "string" and not freq.is_cron(v)
     and not v:match("^[%d%s%.,:/%-]*$") then
    set_unreadable(b, obj, field, "frequency-vocabulary",
      ("cannot read '%s' as a frequency; use one of %s")
        :format(v, vocabulary))
    return
  end
  if freq.is_cron(v) then
    set_unreadable(b, obj, field, "invalid-value",
      ("cannot read '%s' as a frequency: %s; correct the cron expression "
       .. "or use one of %s"):format(v, why, vocabulary))
  else
    set_unreadable(b, obj, field, "invalid-value",
      ("cannot read '%s' as a frequency; use one of %s")
        :format(quote(v), vocabulary))
  end
end

local booleans = {
  ["true"] = true, yes = true, on = true, y = true,
  ["false"] = false, no = false, off = false, n = false,
}

local function norm_bool(b, obj, field)
  local v = obj[field]
  if v == nil or type(v) == "boolean" then return end
  local bool = type(v) == "string" and booleans[trim(v):lower()]
  if bool ~= nil then
    obj[field] = bool
    return
  end
  set_unreadable(b, obj, field, "invalid-value",
    ("cannot read '%s' as true or false; write true or false")
      :format(quote(v)))
end

-- A closed vocabulary with synonyms: obj[field] becomes the canonical
-- word, or is reported as unreadable.
-- Registers repeat a handful of spellings: each folded spelling is
-- remembered per vocabulary (false for "not a word of it").
local word_cache = setmetatable({}, {__mode = "k"})

local function fold_word(v)
  return (trim(v):lower():gsub("[%s_]+", "-"))
end

local function norm_word(b, obj, field, words, what)
  local v = obj[field]
  if v == nil then return end
  local w = type(v) == "string" and words[v]
  if w == nil then
    local cache = word_cache[words]
    if not cache then
      cache = {}
      word_cache[words] = cache
    end
    w = cache[v]
    if w == nil then
      w = words[fold_word(v)] or false
      cache[v] = w
    end
  end
  if w then
    obj[field] = w
    return
  end
  set_unreadable(b, obj, field, "invalid-value",
    ("cannot read '%s' as %s; use %s"):format(quote(v), what, words[1]))
end

local function norm_id(b, obj, field)
  local v = obj[field or "id"]
  if type(v) == "string" then
    obj[field or "id"] = b.trimmed[v]
  elseif v ~= nil then
    set_unreadable(b, obj, field or "id", "invalid-value",
      "an id must be a single value, not a list or mapping")
  end
end

-- A list of ids: items trimmed in place; a single string (or 'a, b')
-- becomes a list whose items sit where the string was.
local function norm_idlist(b, obj, field)
  local v = obj[field]
  if type(v) == "string" then
    local list = {}
    b.ctx.set_pos(list, obj, field)
    for item in v:gmatch("[^,]+") do
      if trim(item) ~= "" then
        list[#list + 1] = trim(item)
        place(b, list, #list, obj, field)
      end
    end
    obj[field] = list
  elseif type(v) == "table" then
    local memo = b.trimmed
    for i = 1, #v do
      local item = v[i]
      if type(item) == "string" then v[i] = memo[item] end
    end
  end
end

local function norm_dates_in(b, list, fields)
  if not is_list(list) then return end
  for _, item in ipairs(list) do
    if is_map(item) then
      for _, f in ipairs(fields) do norm_date(b, item, f) end
    end
  end
end

-- ---- framework mappings ----

local known_list = table.concat(ids.frameworks, ", ")

local function suggest_framework(key)
  local folded = key:lower():gsub("[%s_]+", "-")
  local best, dist
  for _, fw in ipairs(ids.frameworks) do
    local d = levenshtein(folded, fw)
    if d <= 2 and (not dist or d < dist) then best, dist = fw, d end
  end
  return best
end

-- An unknown framework name is reported once per repository, at its
-- first occurrence in file order: the key t[k] itself (a maps key), or
-- the value t[k] (an OpenControl standard_key). The report waits for the
-- end of the build, so that the hint can be a spelling the repository
-- itself uses for a known framework ('NIST-800-53' for 'NIST-801-53').
local function unknown_framework(b, name, t, k, at_value)
  if b.unknown_fw[name] then return end
  b.unknown_fw[name] = true
  b.unknown_list[#b.unknown_list + 1] = {name = name, t = t, k = k,
                                         at_value = at_value}
end

-- Remembers how the repository spells a known framework when it is not
-- the canonical key ('TSC', 'NIST-800-53').
local function framework_spelling(b, raw, fw)
  if raw ~= fw and not b.spellings[raw] then
    b.spellings[raw] = fw
    b.spelling_list[#b.spelling_list + 1] = raw
  end
end

local function framework_hint(b, name)
  local low, best, dist = name:lower(), nil, 3
  table.sort(b.spelling_list)
  for _, sp in ipairs(b.spelling_list) do
    local d = levenshtein(low, sp:lower())
    if d > 0 and d < dist then best, dist = sp, d end
  end
  return best or suggest_framework(name)
end

local function report_unknown_frameworks(b)
  for _, u in ipairs(b.unknown_list) do
    local hint = framework_hint(b, u.name)
    local msg = ("unknown framework '%s'; its ids are kept but not "
      .. "checked"):format(u.name)
    msg = msg .. (hint and ("; did you mean '%s'?"):format(hint)
      or ("; known frameworks are " .. known_list))
    local r = {rule = "unknown-framework", severity = "note",
               message = msg, subject = "framework:" .. u.name,
               at = u.t, key = u.k}
    local file, line, col = b.ctx.key_where(u.t, u.k)
    if file and not u.at_value then
      r.at, r.key, r.file, r.line, r.col = nil, nil, file, line, col
    end
    b.ctx.report(r)
  end
end

-- 'maps: [soc2:CC6.1, iso27001:A.5.15]' becomes the mapping form; the
-- framework is what comes before the last ':' ('iso27001:2013:A.9.2.3').
local function maps_from_list(b, obj, list)
  local m = {}
  b.ctx.set_pos(m, obj, "maps")
  for i, item in ipairs(list) do
    local fw, id
    if type(item) == "string" then fw, id = item:match("^(.*):([^:]*)$") end
    if fw and trim(fw) ~= "" then
      fw = trim(fw)
      m[fw] = m[fw] or {}
      if #m[fw] == 0 then b.ctx.set_pos(m[fw], list, i) end
      m[fw][#m[fw] + 1] = id
      place(b, m[fw], #m[fw], list, i)
    end
  end
  return m
end

-- Canonical ids in place; an id that does not read stays as written
-- (trimmed) for the malformed-id rule.
-- b.framework[key]: the canonical framework of a maps key, or false.
local framework_memo = {__index = function(t, key)
  local fw = ids.framework(key) or false
  t[key] = fw
  return fw
end}

-- b.canonical[fw][id]: the canonical form of id under fw, else id
-- trimmed; remembered for one build.
local canonical_memo = {__index = function(t, fw)
  local memo = setmetatable({}, {__index = function(m, v)
    local c = ids.canonical(fw, v) or trim(v)
    m[v] = c
    return c
  end})
  t[fw] = memo
  return memo
end}

local function canonical_ids(b, fw, list)
  local memo = b.canonical[fw]
  for i = 1, #list do
    local v = list[i]
    if type(v) == "string" then list[i] = memo[v] end
  end
end

-- Moves the ids under key to the canonical key fw, keeping positions;
-- both 'TSC' and 'soc2' in one mapping end up in one list.
local function rename_framework(b, m, key, fw)
  norm_idlist(b, m, fw)
  local from, into = m[key], m[fw]
  if into == nil then
    m[fw] = from
    place(b, m, fw, m, key)
  elseif is_list(into) and is_list(from) then
    for i, v in ipairs(from) do
      into[#into + 1] = v
      place(b, into, #into, from, i)
    end
  end
  m[key] = nil
end

local key_buf = {}

local function norm_maps(b, obj)
  alias(b, obj, "satisfies", "maps")
  local m = obj.maps
  if is_list(m) and m[1] ~= nil then
    m = maps_from_list(b, obj, m)
    obj.maps = m
  end
  if not is_map(m) or b.seen[m] then return end
  b.seen[m] = true
  -- Sorted, not file order: an unknown key is reported at its first
  -- table in file order whichever way one table is walked. The keys go
  -- into a buffer reused by every call (most mappings have one to three
  -- keys, and a new table each time would be most of the cost).
  local keys, n = key_buf, 0
  for k in pairs(m) do
    if type(k) == "string" then
      n = n + 1
      keys[n] = k
    end
  end
  if n == 2 then
    if keys[2] < keys[1] then keys[1], keys[2] = keys[2], keys[1] end
  elseif n > 2 then
    table.sort(keys)
  end
  for i = 1, n do
    local key = keys[i]
    keys[i] = nil
    local fw = b.framework[key]
    -- canonical_ids trims as it goes: a list under a known framework
    -- needs no separate pass.
    if not fw or type(m[key]) ~= "table" then norm_idlist(b, m, key) end
    if not fw then
      unknown_framework(b, key, m, key)
    else
      if is_list(m[key]) then canonical_ids(b, fw, m[key]) end
      if fw ~= key then
        framework_spelling(b, key, fw)
        rename_framework(b, m, key, fw)
      end
    end
  end
end

-- ---- vocabularies ----

local doc_status = {
  "draft, active or retired",
  draft = "draft", wip = "draft", ["in-progress"] = "draft",
  ["in-review"] = "draft", review = "draft", proposed = "draft",
  pending = "draft",
  active = "active", approved = "active", published = "active",
  current = "active", final = "active", effective = "active",
  adopted = "active",
  retired = "retired", deprecated = "retired", superseded = "retired",
  archived = "retired", obsolete = "retired", withdrawn = "retired",
  inactive = "retired",
}

local control_status = {
  "implemented, planned or not-applicable",
  implemented = "implemented", complete = "implemented",
  done = "implemented", ["in-place"] = "implemented",
  operating = "implemented", active = "implemented",
  planned = "planned", partial = "planned",
  ["partially-implemented"] = "planned", ["in-progress"] = "planned",
  ["not-started"] = "planned",
  ["not-applicable"] = "not-applicable", ["n/a"] = "not-applicable",
  na = "not-applicable", excluded = "not-applicable",
}

local treatments = {
  "mitigate, accept, transfer or avoid",
  mitigate = "mitigate", reduce = "mitigate", modify = "mitigate",
  treat = "mitigate", mitigation = "mitigate",
  accept = "accept", retain = "accept", tolerate = "accept",
  acceptance = "accept",
  transfer = "transfer", share = "transfer", insure = "transfer",
  avoid = "avoid", terminate = "avoid", avoidance = "avoid",
}

-- Folder names that give a document its default type.
local folder_types = {
  policies = "policy", policy = "policy",
  standards = "standard", standard = "standard",
  procedures = "procedure", procedure = "procedure",
  narratives = "narrative", narrative = "narrative",
  plans = "plan", plan = "plan", records = "record", record = "record",
}

local doc_types = {
  policy = "policy", policies = "policy", standard = "standard",
  standards = "standard", procedure = "procedure",
  procedures = "procedure", narrative = "narrative",
  narratives = "narrative", plan = "plan", plans = "plan",
  record = "record", records = "record",
}

-- Every field named 'frequency' or '*_frequency' holds a frequency. The
-- answer is remembered per key. The fields are collected first:
-- normalising may add obj.unreadable, and a table must not grow while
-- pairs() walks it; the common single field needs no list.
local frequency_key = setmetatable({}, {__index = function(t, k)
  local v = type(k) == "string"
            and (k == "frequency" or k:find("_frequency", -10, true) ~= nil)
  t[k] = v
  return v
end})

local function norm_frequencies(b, obj)
  local first, more
  for k in pairs(obj) do
    if frequency_key[k] then
      if not first then
        first = k
      else
        more = more or {first}
        more[#more + 1] = k
      end
    end
  end
  if not more then
    if first then norm_freq(b, obj, first) end
    return
  end
  table.sort(more)
  for _, k in ipairs(more) do norm_freq(b, obj, k) end
end

-- What every object gets: its kind, its file, a trimmed id.
local function stamp(b, obj, kind, path)
  obj.kind = kind
  obj.path = path
  norm_id(b, obj)
end

-- ---- registers ----

-- OpenControl names the accountable party 'responsible_role'. This runs
-- once per control, so a field is tested here before a helper is called
-- for it: most controls have few of these fields.
local function norm_control(b, c)
  if c.title == nil then alias(b, c, "name", "title") end
  if c.policies == nil then alias(b, c, "documents", "policies") end
  if c.owner == nil then alias(b, c, "responsible_role", "owner") end
  if c.last_reviewed == nil then
    alias(b, c, "last_updated", "last_reviewed")
    alias(b, c, "reviewed", "last_reviewed")
  end
  if c.policies ~= nil then norm_idlist(b, c, "policies") end
  if c.evidence ~= nil then norm_idlist(b, c, "evidence") end
  if c.systems ~= nil then norm_idlist(b, c, "systems") end
  if c.last_reviewed ~= nil then norm_date(b, c, "last_reviewed") end
  if c.automated ~= nil then norm_bool(b, c, "automated") end
  if c.status ~= nil then
    norm_word(b, c, "status", control_status, "a control status")
  end
  norm_frequencies(b, c)
  if c.maps ~= nil or c.satisfies ~= nil then norm_maps(b, c) end
end

local function norm_system(b, s)
  norm_idlist(b, s, "data")
end

local function norm_evidence(b, e)
  if e.title == nil then alias(b, e, "name", "title") end
  if e.controls ~= nil then norm_idlist(b, e, "controls") end
  if e.collected ~= nil then norm_date(b, e, "collected") end
  if is_map(e.period) then
    norm_date(b, e.period, "from")
    norm_date(b, e.period, "to")
  end
  if e.automated ~= nil then norm_bool(b, e, "automated") end
  norm_frequencies(b, e)
end

local function norm_risk(b, r)
  alias(b, r, "name", "title")
  norm_idlist(b, r, "controls")
  norm_date(b, r, "reviewed")
  alias(b, r, "reviewed", "last_reviewed")
  alias(b, r, "last_updated", "last_reviewed")
  norm_date(b, r, "last_reviewed")
  norm_word(b, r, "treatment", treatments, "a risk treatment")
  norm_frequencies(b, r)
end

local assurance_dates = {"expires", "issued"}

local function norm_vendor(b, v)
  norm_idlist(b, v, "services")
  norm_idlist(b, v, "data_access")
  norm_date(b, v, "last_assessed")
  norm_dates_in(b, v.assurance, assurance_dates)
  norm_frequencies(b, v)
end

-- SoA entries name Annex A controls; a bare '5.15' in an SoA can only be
-- Annex A, so it reads the ISO 27002 way.
local function norm_soa(b, s)
  if s.control == nil and type(s.id) == "string" then
    s.control = s.id                -- an SoA keyed by Annex A id
    place(b, s, "control", s, "id")
  end
  local c = s.control
  if type(c) == "string" then
    local fw = trim(c):match("^[Aa]") and "iso27001" or "iso27002"
    s.control = ids.canonical(fw, c) or trim(c)
  end
  if s.id == nil or s.id == c then
    s.id = s.control
    place(b, s, "id", s, "control")
  end
  norm_bool(b, s, "applicable")
  norm_idlist(b, s, "implemented_by")
end

local registers = {
  {key = "controls", kind = "control", norm = norm_control},
  {key = "systems", kind = "system", norm = norm_system},
  {key = "soa", kind = "soa", norm = norm_soa},
  {key = "evidence", kind = "evidence", norm = norm_evidence},
  {key = "risks", kind = "risk", norm = norm_risk},
  {key = "vendors", kind = "vendor", norm = norm_vendor},
}

-- A register item as written: a mapping, or a bare id ('- prod-aws').
local function register_item(b, list, i, item)
  if is_map(item) then return item end
  if type(item) ~= "string" then return nil end
  local obj = {id = trim(item)}
  b.ctx.set_pos(obj, list, i)
  place(b, obj, "id", list, i)
  return obj
end

local function add_object(b, reg, obj, path, out)
  local seen = b.seen
  if not seen[obj] then
    seen[obj] = true
    obj.kind, obj.path = reg.kind, path
    if obj.id ~= nil then norm_id(b, obj) end
    reg.norm(b, obj)
  end
  out[#out + 1] = obj
end

-- A register is a list of items, or a mapping from id to item.
local function read_register(b, reg, v, path)
  local out = b.repo[reg.key]
  if is_list(v) then
    for i = 1, #v do
      local item = v[i]
      if type(item) ~= "table" or item[1] ~= nil then
        item = register_item(b, v, i, item)
      end
      if item then add_object(b, reg, item, path, out) end
    end
  elseif is_map(v) then
    for _, k in ipairs(keys_in_file_order(b, v)) do
      local obj = v[k]
      if is_map(obj) then
        if obj.id == nil then
          obj.id = k
          place(b, obj, "id", v, k)
        end
        add_object(b, reg, obj, path, out)
      end
    end
  end
end

-- ---- scope and ISMS records ----

local function fold_words(list)
  if not is_list(list) then return end
  for i, v in ipairs(list) do
    if type(v) == "string" then
      list[i] = trim(v):lower():gsub("[%s_]+", "-")
    end
  end
end

local function norm_scope_soc2(b, s, path)
  s.kind, s.path = "scope", path
  for _, f in ipairs{"categories", "systems", "locations", "services",
                     "vendors"} do
    norm_idlist(b, s, f)
  end
  fold_words(s.categories)
  if type(s.report_type) == "string" then
    s.report_type = s.report_type:lower():gsub("[%s_%-]+", "")
  end
  if is_map(s.period) then
    norm_date(b, s.period, "from")
    norm_date(b, s.period, "to")
  end
end

local function norm_scope_isms(b, s, path)
  s.kind, s.path = "scope", path
  for _, f in ipairs{"systems", "locations", "services", "units"} do
    norm_idlist(b, s, f)
  end
end

-- The first file to declare a scope part wins; a second declaration is
-- left for a scope rule to compare.
local function read_scope(b, v, path)
  if not is_map(v) then return end
  local scope = b.repo.scope
  if is_map(v.soc2) and not scope.soc2 then
    norm_scope_soc2(b, v.soc2, path)
    scope.soc2 = v.soc2
  end
  if is_map(v.isms) and not scope.isms then
    norm_scope_isms(b, v.isms, path)
    scope.isms = v.isms
  end
end

local isms_parts = {
  {key = "internal_audits", kind = "internal-audit", dates = {"date"}},
  {key = "management_reviews", kind = "management-review",
   dates = {"date"}},
  {key = "nonconformities", kind = "nonconformity",
   dates = {"raised", "due", "closed"}},
  {key = "improvements", kind = "improvement", dates = {"date", "due"}},
  {key = "objectives", kind = "objective", dates = {"due"}},
}

local function read_isms(b, v, path)
  if not is_map(v) then return end
  for _, part in ipairs(isms_parts) do
    local list, out = v[part.key], b.repo.isms[part.key]
    if is_list(list) then
      for _, item in ipairs(list) do
        if is_map(item) and not b.seen[item] then
          b.seen[item] = true
          stamp(b, item, part.kind, path)
          for _, f in ipairs(part.dates) do norm_date(b, item, f) end
        end
        if is_map(item) then out[#out + 1] = item end
      end
    end
  end
end

-- ---- recognised shapes: OpenControl components, comply standards ----

local function is_component(root)
  if not is_list(root.satisfies) then return false end
  for _, e in ipairs(root.satisfies) do
    if is_map(e) and e.control_key ~= nil then return true end
  end
  return false
end

local function folder_of(path)
  return path:match("([^/]+)/[^/]+$")
end

-- Each entry's control_key goes under its standard's framework, in the
-- order written; an unknown standard_key keeps its name.
local function component_maps(b, root)
  local m = {}
  b.ctx.set_pos(m, root, "satisfies")
  for _, e in ipairs(root.satisfies) do
    if is_map(e) and type(e.control_key) == "string" then
      local raw = type(e.standard_key) == "string"
                  and trim(e.standard_key) or "unknown"
      local fw = ids.framework(raw)
      if fw then
        framework_spelling(b, raw, fw)
      else
        unknown_framework(b, raw, e, "standard_key", true)
      end
      fw = fw or raw
      if not m[fw] then
        m[fw] = {}
        b.ctx.set_pos(m[fw], e, "control_key")
      end
      local list = m[fw]
      list[#list + 1] = ids.canonical(fw, e.control_key)
                        or trim(e.control_key)
      place(b, list, #list, e, "control_key")
    end
  end
  return m
end

-- An OpenControl component becomes one control: its id is the component
-- key, else the folder holding component.yaml, else its name.
local function read_component(b, root, path)
  if b.seen[root] then return end
  b.seen[root] = true
  if root.id == nil then
    local folder = path:match("component%.ya?ml$") and folder_of(path)
    root.id = root.key or folder or root.name
    if root.key then
      place(b, root, "id", root, "key")
    else
      root.defaults = {id = true}
      if not folder then place(b, root, "id", root, "name") end
    end
  end
  root.maps = component_maps(b, root)
  b.seen[root.maps] = true
  stamp(b, root, "control", path)
  root.format = "opencontrol"
  norm_control(b, root)
  b.repo.controls[#b.repo.controls + 1] = root
end

-- A comply standard: 'name: TSC' and one mapping per criterion.
local function is_standard(root)
  if type(root.name) ~= "string" then return false end
  local criteria = 0
  for k, v in pairs(root) do
    if k ~= "name" then
      if not is_map(v) or (v.family == nil and v.name == nil
                           and v.description == nil) then
        return false
      end
      criteria = criteria + 1
    end
  end
  return criteria > 0
end

local function read_standard(b, root, path)
  local fw = ids.framework(root.name)
  local reqs = {}
  b.ctx.set_pos(reqs, root)
  for _, k in ipairs(keys_in_file_order(b, root)) do
    if k ~= "name" then
      local req = root[k]
      req.id = fw and ids.canonical(fw, k) or trim(k)
      req.raw_id = k
      req.kind, req.path = "requirement", path
      place(b, req, "id", root, k)
      reqs[#reqs + 1] = req
    end
  end
  root.kind, root.path = "standard", path
  root.framework = fw
  root.requirements = reqs
  b.repo.standards[#b.repo.standards + 1] = root
end

-- ---- documents ----

-- The nearest folder with a known name decides the type; else policy.
local function type_from_path(path)
  local folders = {}
  for part in path:gmatch("([^/]+)/") do folders[#folders + 1] = part end
  for i = #folders, 1, -1 do
    local t = folder_types[folders[i]:lower()]
    if t then return t end
  end
  return "policy"
end

local function clean_title(s)
  s = s:gsub("<[^>]*>", ""):gsub("%*%*", ""):gsub("__", "")
  return trim(s)
end

-- The title a reader sees first: an HTML <h1> in the text before the
-- first heading (badge-style headers), else the first level-1 heading,
-- else the first heading of any level.
local function title_from(sections)
  local pre = sections and sections[1]
  local h1 = pre and pre.level == 0 and pre.text
             and pre.text:match("<[hH]1[^>]*>(.-)</[hH]1>")
  if h1 and clean_title(h1) ~= "" then return clean_title(h1) end
  local any
  for _, s in ipairs(sections or {}) do
    if s.heading and s.level == 1 then return clean_title(s.heading) end
    any = any or s.heading
  end
  return any and clean_title(any)
end

-- A default has no place of its own in the file: ctx.where(doc, field)
-- falls back to the document (its front matter, or the first line).
-- doc.defaults records which fields the model filled in.
local function default(doc, field, value)
  doc[field] = value
  doc.defaults[field] = true
end

-- comply writes a revision as '- date: ...' with 'comment: ...' under
-- it; a second '-' before 'comment:' makes two entries, one with only a
-- date and one with only a comment (comply then prints a revision
-- without a date). Reported at the entry that lost its date.
local function split_revisions(b, doc, revs)
  for i = 2, #revs do
    local a, c = revs[i - 1], revs[i]
    if is_map(a) and is_map(c) and a.date ~= nil and a.comment == nil
       and c.comment ~= nil and c.date == nil then
      report(b, "invalid-value", "warning", revs, i,
        "this 'majorRevisions' entry has a 'comment' but no 'date', and "
        .. "the entry before it a 'date' but no 'comment'; make them one "
        .. "entry: remove the '-' before 'comment:' and indent it under "
        .. "'date:'",
        ("revisions:%s:%d"):format(doc.path, i))
    end
  end
end

-- The newest readable majorRevisions date stands in for a review date
-- (comply records reviews as revisions).
local function review_from_revisions(b, doc)
  local revs = doc.majorRevisions
  if not is_list(revs) then return end
  norm_dates_in(b, revs, {"date"})
  split_revisions(b, doc, revs)
  local newest, at
  for _, r in ipairs(revs) do
    if is_map(r) and type(r.date) == "string"
       and (not newest or r.date > newest) then
      newest, at = r.date, r
    end
  end
  if newest and doc.last_reviewed == nil
     and not (doc.unreadable and doc.unreadable.last_reviewed) then
    doc.last_reviewed = newest
    place(b, doc, "last_reviewed", at, "date")
    doc.defaults.last_reviewed = true
  end
end

-- ---- metadata in a document's body ----

-- How far the model looks: the top of the body, a metadata block, a
-- revision history.
local TOP_LINES, BLOCK_LINES, HISTORY_LINES = 40, 60, 400

-- 'Label: value' labels, folded (see fold_label), and the field each
-- gives. A label must be the whole text before the ':'.
local body_labels = {
  owner = "owner", ["document owner"] = "owner",
  ["policy owner"] = "owner", ["procedure owner"] = "owner",
  ["process owner"] = "owner", ["plan owner"] = "owner",
  ["standard owner"] = "owner",
  version = "version", ["document version"] = "version",
  ["policy version"] = "version", ["current version"] = "version",
  ["last updated"] = "last_reviewed", ["last reviewed"] = "last_reviewed",
  ["last review"] = "last_reviewed", ["last review date"] =
  "last_reviewed", ["date of last review"] = "last_reviewed",
  ["review date"] = "last_reviewed", ["last revised"] = "last_reviewed",
  ["last modified"] = "last_reviewed", reviewed = "last_reviewed",
  ["reviewed on"] = "last_reviewed", updated = "last_reviewed",
  ["effective date"] = "effective", effective = "effective",
  ["effective from"] = "effective", ["date effective"] = "effective",
  ["review cycle"] = "review_frequency", ["review frequency"] =
  "review_frequency", ["review interval"] = "review_frequency",
  ["review period"] = "review_frequency", ["review schedule"] =
  "review_frequency",
  ["next review"] = "next_review", ["next review date"] = "next_review",
  ["next review due"] = "next_review", ["review due"] = "next_review",
  ["approved by"] = "approved_by", approver = "approved_by",
  ["approval date"] = "approved", ["approved on"] = "approved",
  ["date approved"] = "approved",
  status = "status", ["document status"] = "status",
  ["policy status"] = "status",
}

local body_kinds = {
  owner = "text", version = "text", approved_by = "text",
  last_reviewed = "date", effective = "date", next_review = "date",
  approved = "date", review_frequency = "frequency", status = "status",
}

-- A metadata block: a heading, or a line alone ('**📋 Document
-- Control:**'), whose words are one of these.
local block_names = {
  ["document control"] = true, ["document information"] = true,
  ["document details"] = true, ["document metadata"] = true,
  ["document properties"] = true, ["document info"] = true,
  ["document data"] = true, metadata = true,
}

local history_names = {
  ["version history"] = true, ["revision history"] = true,
  ["change history"] = true, ["change log"] = true, changelog = true,
  ["document history"] = true, ["revision record"] = true,
  ["change record"] = true, ["change revision record"] = true,
  ["revision log"] = true, ["amendment history"] = true,
  ["review history"] = true, ["record of changes"] = true,
  ["document revision history"] = true, revisions = true,
  ["change revision history"] = true, ["version control"] = true,
}

-- Words a heading or marker line must contain before it is folded and
-- looked up. Plain searches for a capitalised word are cheap even on
-- long documents (their first byte is rare in prose); a marker line is
-- written as a title, so a lowercase one is only found as a heading.
local block_words = {"Document", "DOCUMENT", "Metadata", "METADATA"}
local history_words = {"History", "HISTORY", "Record", "RECORD",
                       "Revision", "REVISION", "Change", "CHANGE"}
local lower_words = {"ocument", "etadata", "istory", "ecord", "evision",
                     "hange"}

local function has_word(s, words)
  for i = 1, #words do
    if s:find(words[i], 1, true) then return true end
  end
  return false
end

-- A label as compared: emphasis and code marks dropped, then whatever
-- comes before the first letter (list marks, emoji, symbols), a final
-- ':', case and repeated spaces.
local function fold_label(s)
  s = s:gsub("[%*_`]", ""):gsub("^[^%a]+", ""):gsub("[%s:]+$", "")
  return (s:lower():gsub("%s+", " "))
end

-- Headings and marker lines compare by their words only.
local function fold_name(s)
  return trim((s:lower():gsub("<[^>]*>", " "):gsub("[^%a]+", " ")))
end

-- The span of s[i..j] without the spaces and emphasis marks around it.
local function value_span(s, i, j)
  while i <= j do
    local c = s:byte(i)
    if c ~= 32 and c ~= 9 and c ~= 42 and c ~= 95 then break end
    i = i + 1
  end
  while j >= i do
    local c = s:byte(j)
    if c ~= 32 and c ~= 9 and c ~= 13 and c ~= 42 and c ~= 95 then break end
    j = j - 1
  end
  return i, j
end

-- Text as a reader sees it: link targets, tags and emphasis dropped.
local function clean_text(s)
  if not s:find("[%[<%*_`]") then return trim(s) end
  s = s:gsub("!?%[([^%]]*)%]%b()", "%1"):gsub("<[^>]*>", "")
  return trim((s:gsub("%*%*", ""):gsub("__", ""):gsub("`", "")))
end

-- How a date written in a body starts.
local date_shapes = {
  "^%d%d%d%d%-%d%d?%-%d%d?", "^%d%d%d%d/%d%d?/%d%d?", "^%d%d%d%d%-%d%d",
  "^%a+%.?%s+%d%d?%a*,?%s+%d%d%d%d", "^%d%d?%a*%s+%a+%.?,?%s+%d%d%d%d",
}

local function date_end(s, i, z)
  for _, p in ipairs(date_shapes) do
    local _, e = s:find(p, i)
    if e and e <= z then return e end
  end
  return nil
end

local months = {
  jan = 1, feb = 2, mar = 3, apr = 4, may = 5, jun = 6, jul = 7, aug = 8,
  sep = 9, oct = 10, nov = 11, dec = 12,
}

-- A date as written in a body: '2026-01-25 (UTC)', '2024-05' or 'May
-- 2024' (a month: its first day, the earliest it can mean, so a review
-- is never taken for later than it was). nil when the text does not
-- start like a date ('TBD', a placeholder, '3 links'): nothing is
-- reported for it.
local function body_date(raw)
  local s = clean_text(raw):gsub("%b()", "")
  s = trim((s:gsub("%s+[Uu][Tt][Cc]$", "")))
  if not s:find("%d") or is_placeholder(s) then return nil end
  if s:find("^%d%d%d%d%-%d%d$") then return s .. "-01", "month" end
  local mon, year = s:match("^(%a+)%.?,?%s+(%d%d%d%d)$")
  local m = mon and months[mon:sub(1, 3):lower()]
  if m then return ("%s-%02d-01"):format(year, m), "month" end
  if date.parse(s) or date_end(s, 1, #s) then return s end
  return nil
end

-- Sets doc[field] from a body value unless the front matter (or an
-- earlier place in the body) gave it: raw is the value as written at
-- byte off of sec.text.
local function body_field(b, doc, field, raw, sec, off)
  local u = doc.unreadable
  if doc[field] ~= nil or (u and u[field] ~= nil) then return end
  local kind, value = body_kinds[field], nil
  if kind == "date" then
    value = body_date(raw)
  elseif kind == "status" then
    value = doc_status[fold_word(clean_text(raw))]
  else
    value = clean_text(raw)
    if is_placeholder(value) and not value:find("^{{") then value = nil end
    if kind == "frequency" and value and value:find("^{{") then
      value = nil
    end
  end
  if not value then return end
  doc[field] = value
  b.ctx.text_pos(doc, field, sec, off, #raw)
  doc.source[field] = "body"
  if kind == "date" then
    norm_date(b, doc, field)
  elseif kind == "frequency" then
    norm_freq(b, doc, field)
  end
end

-- ---- regions of a body: lines as byte ranges of a section's text ----

-- A region is a list of r.n lines, each a section and the first and
-- last byte of the line in its text: no string is made for a line that
-- holds nothing to read. Regions are read one at a time, so one set of
-- arrays serves them all: a long repository makes no garbage here.
local scratch = {secs = {}, from = {}, to = {}, n = 0}

local function new_region()
  scratch.n = 0
  return scratch
end

-- Adds up to max lines of sec.text from byte pos to r; with stop_blank,
-- the region ends at the first blank line. Returns the lines added.
local function add_lines(r, sec, pos, max, stop_blank)
  local text = sec.text
  local n, added = #text, 0
  local secs, from, to = r.secs, r.from, r.to
  while pos <= n and added < max do
    local e = text:find("\n", pos, true) or n + 1
    if stop_blank and not text:find("^[ \t\r]*[^ \t\r\n]", pos) then break end
    local k = r.n + 1
    r.n = k
    secs[k], from[k], to[k] = sec, pos, e - 1
    added = added + 1
    pos = e + 1
  end
  return added
end

-- The line around byte s of text if it is at most max bytes long: its
-- first and last byte.
local function short_line_at(text, s, max)
  local from = s > max and s - max or 1
  local nl = text:sub(from, s):match(".*\n()")
  local ls = nl and from + nl - 1 or (from == 1 and 1)
  if not ls then return nil end
  local le = (text:find("\n", s, true) or #text + 1) - 1
  if le - ls + 1 > max then return nil end
  return ls, le
end

-- The first byte after each short line of sec.text that holds one of
-- words and folds to a name in names ('**📋 Document Control:**', with
-- nothing after the ':'), added to found in order.
local function marker_lines(sec, words, names, found)
  local text, seen = sec.text, nil
  for _, w in ipairs(words) do
    local pos = 1
    while true do
      local s = text:find(w, pos, true)
      if not s then break end
      local ls, le = short_line_at(text, s, 120)
      seen = seen or {}
      if ls and not seen[ls] then
        seen[ls] = true
        local line = text:sub(ls, le)
        local before, after = line:match("^(.-):(.*)$")
        if names[fold_name(before or line)]
           and not (after or ""):find("%w") then
          found[#found + 1] = le + 2
        end
      end
      pos = s + #w
    end
  end
  table.sort(found)
end

-- ---- label lines and tables ----

-- Most lines start with a letter: one byte read decides.
local function is_row(s, a, z)
  local c = s:byte(a)
  if c == 124 then return a <= z end
  if c ~= 32 and c ~= 9 then return false end
  local bar = s:find("^[ \t]*|", a)
  return bar ~= nil and bar <= z
end

local function is_rule_row(s, a, z)
  local line = s:sub(a, z)
  return line:find("^%s*|?[%s|:%-]+$") ~= nil
    and line:find("--", 1, true) ~= nil
end

-- The cells of the table row s[a..z]: first and last byte of each.
local function row_cells(s, a, z)
  local cs, ce = {}, {}
  local pos = s:find("|", a, true) + 1
  while pos <= z do
    local bar = s:find("|", pos, true)
    if not bar or bar > z then
      local v = s:find("[^ \t\r]", pos)
      if v and v <= z then cs[#cs + 1], ce[#ce + 1] = pos, z end
      break
    end
    cs[#cs + 1], ce[#ce + 1] = pos, bar - 1
    pos = bar + 1
  end
  return cs, ce
end

-- 'Label: value' in s[a..z], s being sec.text.
local function read_pair(b, doc, s, a, z, sec)
  local colon = s:find(":", a, true)
  if not colon or colon > z or colon - a > 80 then return end
  local field = body_labels[fold_label(s:sub(a, colon - 1))]
  if not field then return end
  local va, vz = value_span(s, colon + 1, z)
  if vz >= va then body_field(b, doc, field, s:sub(va, vz), sec, va) end
end

-- Pairs separated by '|': '**Owner:** CEO | **Version:** 2.6'.
local function read_pairs(b, doc, s, a, z, sec)
  while a <= z do
    local bar = s:find("|", a, true)
    if bar and bar > z then bar = nil end
    read_pair(b, doc, s, a, bar and bar - 1 or z, sec)
    if not bar then return end
    a = bar + 1
  end
end

local function label_cell(s, a, z)
  local va, vz = value_span(s, a, z)
  return vz >= va and vz - va < 80
    and body_labels[fold_label(s:sub(va, vz))] or nil
end

-- A row of label and value cells: '| Owner | CEO |', '| **Owner:** |
-- CEO | Version | 2.6 |'; a cell may also hold 'Owner: CEO'.
local function read_row(b, doc, s, a, z, sec)
  local cs, ce = row_cells(s, a, z)
  local i = 1
  while i <= #cs do
    local field = i < #cs and label_cell(s, cs[i], ce[i])
    if field then
      local va, vz = value_span(s, cs[i + 1], ce[i + 1])
      if vz >= va then body_field(b, doc, field, s:sub(va, vz), sec, va) end
      i = i + 2
    else
      read_pair(b, doc, s, cs[i], ce[i], sec)
      i = i + 1
    end
  end
end

-- A header row of labels ('| Owner | Version | Last Updated |') over
-- the row of values r line k.
local function read_columns(b, doc, r, h, k)
  local hs, he = row_cells(r.secs[h].text, r.from[h], r.to[h])
  local sec = r.secs[k]
  local s = sec.text
  local cs, ce = row_cells(s, r.from[k], r.to[k])
  for i = 1, math.min(#hs, #cs) do
    local field = label_cell(r.secs[h].text, hs[i], he[i])
    local va, vz = value_span(s, cs[i], ce[i])
    if field and vz >= va then
      body_field(b, doc, field, s:sub(va, vz), sec, va)
    end
  end
end

local function header_labels(s, a, z)
  local hs, he = row_cells(s, a, z)
  local n = 0
  for i = 1, #hs do
    if label_cell(s, hs[i], he[i]) then n = n + 1 end
  end
  return n
end

-- Whether line k of r is a table row (a rule row when rule is set).
local function row_at(r, k, rule)
  if k > r.n then return false end
  local sec = r.secs[k]
  local s, a, z = sec.text, r.from[k], r.to[k]
  if rule then return is_rule_row(s, a, z) end
  return is_row(s, a, z)
end

-- Lines are read in order: the next ':' of a section is searched once
-- and reused until a later line passes it.
local function read_region(b, doc, r)
  local secs, from, to = r.secs, r.from, r.to
  local i, n = 1, r.n
  local colon, in_sec = 0, nil
  while i <= n do
    local s, a, z = secs[i].text, from[i], to[i]
    if secs[i] ~= in_sec or (colon and colon < a) then
      in_sec, colon = secs[i], s:find(":", a, true)
    end
    if is_row(s, a, z) then
      if row_at(r, i + 1, true) then
        if header_labels(s, a, z) >= 2 and row_at(r, i + 2) then
          read_columns(b, doc, r, i, i + 2)
          i = i + 2
          while row_at(r, i + 1) do i = i + 1 end
        else
          i = i + 1
        end
      else
        read_row(b, doc, s, a, z, secs[i])
      end
    elseif colon and colon <= z then
      read_pairs(b, doc, s, a, z, secs[i])
    end
    i = i + 1
  end
end

-- ---- revision histories ----

-- One dated entry of a history; text is what the entry says.
local function history_entry(b, doc, list, raw, text, sec, off)
  local v, precision = body_date(raw)
  if not v then return end
  local d, why = date.parse(v)
  if not d and why == "not a date" then return end
  local e = {date = v, text = text, kind = "revision", path = doc.path,
             precision = precision}
  b.ctx.text_pos(e, "date", sec, off, #raw)
  norm_date(b, e, "date")
  list[#list + 1] = e
end

-- '* 2024-05: text', '- **2023-03-01** - text', '1. Jun 1 2018: text'.
local function history_item(b, doc, list, s, a, z, sec)
  local m = s:match("^[ \t]*[%*%-%+][ \t]+()", a)
            or s:match("^[ \t]*%d+[%.%)][ \t]+()", a)
  if not m or m > z then return end
  m = value_span(s, m, z)
  local e = date_end(s, m, z)
  if not e then return end
  -- What follows the date, without the ':', '-', en or em dash between.
  local text = s:sub(e + 1, z):gsub("^[%*_%s:%-]+", "")
  text = text:gsub("^\226\128[\147\148]%s*", "")
  history_entry(b, doc, list, s:sub(m, e), clean_text(text), sec, m)
end

-- '| 1.1 | 23 May 2019 | Updated ... |': the date cell, and the rest.
local function history_row(b, doc, list, s, a, z, sec)
  local cs, ce = row_cells(s, a, z)
  local at, words = nil, {}
  for i = 1, #cs do
    local va, vz = value_span(s, cs[i], ce[i])
    if vz >= va then
      if not at and date_end(s, va, vz) == vz then
        at = i
      else
        words[#words + 1] = clean_text(s:sub(va, vz))
      end
    end
  end
  if not at then return end
  local va, vz = value_span(s, cs[at], ce[at])
  history_entry(b, doc, list, s:sub(va, vz), table.concat(words, " "),
                sec, va)
end

local function read_history(b, doc, r, list)
  for i = 1, r.n do
    local sec = r.secs[i]
    local s, a, z = sec.text, r.from[i], r.to[i]
    if is_row(s, a, z) then
      history_row(b, doc, list, s, a, z, sec)
    else
      history_item(b, doc, list, s, a, z, sec)
    end
  end
end

-- ---- where the body keeps its metadata ----

-- The top of the body: its first TOP_LINES lines, headings included.
local function top_region(sections)
  local r, left = new_region(), TOP_LINES
  for _, sec in ipairs(sections) do
    if left <= 0 then break end
    if sec.heading then left = left - 1 end
    left = left - add_lines(r, sec, 1, left, false)
  end
  return r
end

-- What a heading names: "block", "history" or false. Documents repeat
-- their headings ('Purpose', 'Scope'), so each answer is remembered.
local heading_kind = setmetatable({}, {__index = function(t, h)
  local kind = false
  if has_word(h:lower(), lower_words) then
    local name = fold_name(h)
    kind = block_names[name] and "block" or history_names[name]
           and "history" or false
  end
  t[h] = kind
  return kind
end})

local marker_at = {}

-- The entries of one history, as a list of their own.
local function history_part(b, doc, parts)
  local part = {}
  read_history(b, doc, scratch, part)
  if #part > 0 then parts[#parts + 1] = part end
end

-- Marker lines ('**Document Control:**', '|**Change / Revision
-- Record**|') of one section, the last first.
local function markers(b, doc, sec, parts)
  local at = marker_at
  for i = #at, 1, -1 do at[i] = nil end
  marker_lines(sec, block_words, block_names, at)
  for i = #at, 1, -1 do
    add_lines(new_region(), sec, at[i], BLOCK_LINES, true)
    read_region(b, doc, scratch)
  end
  for i = #at, 1, -1 do at[i] = nil end
  marker_lines(sec, history_words, history_names, at)
  for i = #at, 1, -1 do
    add_lines(new_region(), sec, at[i], HISTORY_LINES, false)
    history_part(b, doc, parts)
  end
end

-- Reads the metadata blocks, the last first (a document's closing
-- "Document Control" is its current metadata), and collects the
-- histories into parts, also the last first. A section named like one
-- is found anywhere; a marker line only where such blocks sit: before
-- the first heading, and in the last two sections.
local function read_blocks(b, doc, sections, parts)
  local n = #sections
  for si = n, 1, -1 do
    local sec = sections[si]
    local kind = sec.heading and heading_kind[sec.heading]
    if kind == "block" then
      add_lines(new_region(), sec, 1, BLOCK_LINES, false)
      read_region(b, doc, scratch)
    elseif kind == "history" then
      add_lines(new_region(), sec, 1, HISTORY_LINES, false)
      history_part(b, doc, parts)
    elseif si > n - 2 or sec.level == 0 then
      markers(b, doc, sec, parts)
    end
  end
end

local function copy_field(b, doc, to, from)
  if doc[to] == nil and doc[from] ~= nil
     and not (doc.unreadable and doc.unreadable[to]) then
    doc[to] = doc[from]
    place(b, doc, to, doc, from)
    doc.source[to] = doc.source[from]
  end
end

-- The history entries in document order, from parts read last first.
local function history_of(parts)
  if #parts == 1 then return parts[1] end
  local list = {}
  for i = #parts, 1, -1 do
    for _, e in ipairs(parts[i]) do list[#list + 1] = e end
  end
  return list
end

-- Reads owner, version, dates, review cycle, approver and status from
-- the body where the front matter does not give them: 'Label: value'
-- lines and label tables at the top of the body and in a "Document
-- Control" block, then a revision history's newest date as the last
-- review. Every value keeps its place in the body.
local function read_body(b, doc, sections)
  if #sections == 0 then return end
  read_region(b, doc, top_region(sections))
  local parts = {}
  read_blocks(b, doc, sections, parts)
  local list = #parts > 0 and history_of(parts)
  if list then doc.history = list end
  copy_field(b, doc, "last_reviewed", "effective")
  if not list or doc.last_reviewed ~= nil or (doc.unreadable
     and doc.unreadable.last_reviewed) then
    return
  end
  local newest
  for _, e in ipairs(list) do
    if type(e.date) == "string" and (not newest or e.date > newest.date) then
      newest = e
    end
  end
  if newest then
    doc.last_reviewed = newest.date
    place(b, doc, "last_reviewed", newest, "date")
    doc.source.last_reviewed = "body"
  end
end

-- ---- what a document is ----

local readme_names = {readme = true, index = true, _index = true}

-- Repository housekeeping: never a policy, whatever it cites.
local housekeeping_names = {
  license = true, licence = true, copying = true, notice = true,
  changelog = true, changes = true, contributing = true,
  code_of_conduct = true, ["code-of-conduct"] = true, authors = true,
  contributors = true, maintainers = true, summary = true, todo = true,
  codeowners = true,
}

-- Front-matter keys that make a page a document of its own.
local document_keys = {
  "id", "acronym", "owner", "maps", "satisfies", "type", "status",
  "review_frequency", "last_reviewed", "last_updated", "reviewed",
  "version", "approved_by", "majorRevisions",
}

local function cites_ids(file)
  for _, s in ipairs(file.sections or {}) do
    if #ids.scan(s.text) > 0 then return true end
  end
  return false
end

-- A README or index page is a folder's introduction, not a policy: it
-- stays a document (links may point at it) but is marked so that rules
-- about policies can skip it; so is repository housekeeping (LICENSE,
-- CHANGELOG, a GitBook SUMMARY). A README or a Hugo section page
-- ('_index.md') whose front matter declares document fields, or that
-- cites framework ids, is a real document; 'index.md' with front
-- matter is a page of its own (a Hugo page bundle).
local function is_readme(doc, file)
  local base = strip_ext(file.path):match("([^/]+)$"):lower()
  if file.front_matter == "none" and housekeeping_names[base] then
    return true
  end
  if not readme_names[base] then return false end
  if file.front_matter ~= "none" then
    if base == "index" then return false end
    for _, k in ipairs(document_keys) do
      if doc[k] ~= nil and not doc.defaults[k] then return false end
    end
  end
  return not cites_ids(file)
end

local function doc_table(b, file)
  local fm = file.docs and file.docs[1]
  if file.front_matter ~= "none" and is_map(fm) then return fm end
  local doc = b.ctx.new_at(file.path, 1, 1)
  return doc
end

local function doc_aliases(b, doc)
  alias(b, doc, "acronym", "id")
  alias(b, doc, "name", "title")
  alias(b, doc, "last_updated", "last_reviewed")
  alias(b, doc, "reviewed", "last_reviewed")
  alias(b, doc, "review_cycle", "review_frequency")
  alias(b, doc, "next_review_date", "next_review")
  alias(b, doc, "effective_date", "effective")
end

local function doc_defaults(b, doc, file)
  if doc.id == nil then default(doc, "id", strip_ext(file.path)) end
  if doc.title == nil then
    local t = title_from(file.sections)
    if t and t ~= "" then default(doc, "title", t) end
  end
  if doc.type == nil then
    default(doc, "type", type_from_path(file.path))
  end
  if doc.status == nil then default(doc, "status", "active") end
  if doc.review_frequency == nil
     and not (doc.unreadable and doc.unreadable.review_frequency) then
    default(doc, "review_frequency", "annual")
  end
end

-- Procedures in comply carry a 'cron' schedule: it is how often they
-- run, so it reads as the document's frequency.
local function doc_cron(b, doc)
  if doc.cron == nil or doc.frequency ~= nil then return end
  local f = freq.parse(doc.cron)
  if f then
    doc.frequency = f
    place(b, doc, "frequency", doc, "cron")
  else
    norm_freq(b, doc, "cron")
  end
end

local function read_document(b, file)
  local doc = doc_table(b, file)
  if b.seen[doc] then return end
  b.seen[doc] = true
  doc.defaults, doc.source = {}, {}
  doc_aliases(b, doc)
  stamp(b, doc, "document", file.path)
  if type(doc.type) == "string" then
    doc.type = doc_types[trim(doc.type):lower()] or trim(doc.type)
  end
  norm_word(b, doc, "status", doc_status, "a document status")
  norm_date(b, doc, "approved")
  norm_date(b, doc, "last_reviewed")
  norm_date(b, doc, "next_review")
  norm_date(b, doc, "effective")
  review_from_revisions(b, doc)
  norm_frequencies(b, doc)
  doc_cron(b, doc)
  norm_maps(b, doc)
  norm_idlist(b, doc, "scope")
  norm_idlist(b, doc, "supersedes")
  read_body(b, doc, file.sections or {})
  doc_defaults(b, doc, file)
  doc.sections = file.sections or {}
  doc.front_matter = file.front_matter
  doc.template = file.path:find("%.tmpl$") ~= nil
  doc.readme = is_readme(doc, file)
  local out = b.repo.documents
  out[#out + 1] = doc
end
-- ---- catalogues: a framework's requirements, not the organisation's ----

-- Fields that only an organisation's own control carries: who runs it,
-- how often, with which documents and evidence, in what state.
local implementation_fields = {
  owner = true, frequency = true, policies = true, documents = true,
  evidence = true, status = true, systems = true, automated = true,
  implementation_status = true, responsible_role = true,
  last_reviewed = true,
}

-- Fields that mark an entry of a published catalogue: what it aims at,
-- how it is assessed, where it maps.
local catalogue_fields = {
  objective = true, guidelines = true,
  ["assessment-requirements"] = true, assessment_requirements = true,
  ["assessment-objectives"] = true, assessment_objectives = true,
  ["control-objective"] = true, control_objective = true,
  params = true, parts = true, mappedControls = true,
}

-- Whether an entry of items carries an implementation field; marked
-- says whether one carries a catalogue field. An organisation's file
-- stops at its first entry with an owner.
local function implemented(items)
  local marked = false
  for _, item in pairs(items) do
    if is_map(item) then
      for k in pairs(item) do
        if implementation_fields[k] then return true, marked end
        if catalogue_fields[k] then marked = true end
      end
    end
  end
  return false, marked
end

-- A 'controls' register is a catalogue when some entry carries a
-- catalogue field and no entry an implementation field (OSSF baseline,
-- Gemara control catalogues).
local function is_catalogue(items)
  if type(items) ~= "table" then return false end
  local impl, marked = implemented(items)
  return marked and not impl
end

-- Strips a revision suffix: 'NIST 800-53r4', '800-53 rev. 5'.
local function without_revision(name)
  return (name:gsub("%s*[Rr][Ee]?[Vv]?%.?%s*%d+$", ""))
end

-- The framework a catalogue's title names: 'SOC 2 Security' is SOC 2,
-- 'NIST 800-53r4' is NIST SP 800-53. Trailing words without a digit are
-- dropped one by one, never a version: 'NIST CSF 1.1' stays unknown
-- rather than becoming CSF 2.0.
local function framework_of_title(title)
  local words = {}
  for w in title:gmatch("[^%s,;]+") do words[#words + 1] = w end
  while #words > 0 do
    local name = table.concat(words, " ")
    local fw = ids.framework(name) or ids.framework(without_revision(name))
    if fw then return fw end
    if words[#words]:find("%d") then return nil end
    words[#words] = nil
  end
  return nil
end

local function catalogue_name(root, path)
  for _, k in ipairs{"standard", "title", "name"} do
    local v = root[k]
    if type(v) == "string" and trim(v) ~= "" then return trim(v), k end
  end
  local meta = root.metadata
  if is_map(meta) and type(meta.title) == "string" then
    return trim(meta.title)
  end
  return strip_ext(path):match("([^/]+)$")
end

-- The file's root becomes the standard, as a comply standard does.
local function new_standard(b, root, path)
  local name, key = catalogue_name(root, path)
  if root.name == nil then
    root.name = name
    if key then place(b, root, "name", root, key) end
  end
  root.kind, root.path = "standard", path
  root.framework = framework_of_title(name)
  return root
end

-- A standard answers to its raw ids as a comply standard does (its
-- criteria are its keys): st[raw_id] is the requirement, and
-- ctx.key_where(st, raw_id) the line that names it.
local function index_raw(b, st, raw, req, from)
  if st[raw] == nil then
    st[raw] = req
    place(b, st, raw, req, from)
  end
end

-- A catalogue entry becomes a requirement: its id canonical under the
-- catalogue's framework, raw_id as written, at the place of idkey.
local function catalogue_entry(b, st, item, idkey, path)
  local raw = item[idkey]
  if type(raw) ~= "string" then return nil end
  item.kind, item.path = "requirement", path
  item.raw_id = raw
  item.id = st.framework and ids.canonical(st.framework, raw) or trim(raw)
  if idkey ~= "id" then place(b, item, "id", item, idkey) end
  index_raw(b, st, raw, item, idkey)
  return item
end

-- Gemara guidelines, '[{reference-id: CSF, entries: [{reference-id:
-- PR.AA-01}]}]', read as the requirement's maps. A catalogue maps to
-- the frameworks its authors chose: unknown keys are kept, not reported.
local function guideline_maps(b, item)
  local g = item.guidelines
  if item.maps ~= nil or not is_list(g) then return end
  local m = {}
  b.ctx.set_pos(m, item, "guidelines")
  for _, ref in ipairs(g) do
    local key = is_map(ref) and ref["reference-id"]
    if type(key) == "string" and trim(key) ~= "" and is_list(ref.entries)
    then
      local fw = ids.framework(key)
      local name = fw or trim(key)
      local list = m[name]
      if not list then
        list = {}
        b.ctx.set_pos(list, ref, "reference-id")
        m[name] = list
      end
      for _, e in ipairs(ref.entries) do
        local id = is_map(e) and e["reference-id"]
        if type(id) == "string" then
          list[#list + 1] = fw and ids.canonical(fw, id) or trim(id)
          place(b, list, #list, e, "reference-id")
        end
      end
    end
  end
  item.maps = m
end

local mapping_keys = {"implemented_by", "mappedControls", "mapped_controls"}

-- The ids of what implements a requirement (JupiterOne mappedControls),
-- as req.implemented_by.
local function entry_mappings(b, req)
  for _, k in ipairs(mapping_keys) do alias(b, req, k, "implemented_by") end
  norm_idlist(b, req, "implemented_by")
end

-- A catalogue in a 'controls' register (list or mapping by id).
local function read_catalogue(b, root, items, path)
  local st = new_standard(b, root, path)
  local reqs = {}
  b.ctx.set_pos(reqs, root, "controls")
  local keys = is_map(items) and keys_in_file_order(b, items)
  for i = 1, keys and #keys or #items do
    local item = keys and items[keys[i]] or items[i]
    if is_map(item) then
      if keys and item.id == nil then
        item.id = keys[i]
        place(b, item, "id", items, keys[i])
      end
      local req = catalogue_entry(b, st, item,
        (item.id == nil and item.ref ~= nil) and "ref" or "id", path)
      if req then
        guideline_maps(b, req)
        entry_mappings(b, req)
        reqs[#reqs + 1] = req
      end
    end
  end
  st.requirements = reqs
  b.repo.standards[#b.repo.standards + 1] = st
end

-- ---- catalogues in groups (JupiterOne standards/*.json) ----

local group_keys = {"domains", "sections", "groups", "families",
                    "categories"}
local entry_keys = {"controls", "requirements"}

-- 'standard: NAME' and groups of entries, each with a 'ref' or an 'id':
-- the groups and the key of their entry lists, or nil.
local function catalogue_groups(root)
  if type(root.standard) ~= "string" then return nil end
  for _, gk in ipairs(group_keys) do
    local groups = root[gk]
    if is_list(groups) then
      for _, g in ipairs(groups) do
        for _, ek in ipairs(entry_keys) do
          if is_map(g) and is_list(g[ek]) and g[ek][1] ~= nil
             and not implemented(g[ek]) then
            return groups, ek
          end
        end
      end
    end
  end
  return nil
end

local function entry_ref(e)
  if not is_map(e) then return nil end
  if type(e.ref) == "string" then return e.ref, "ref" end
  if type(e.id) == "string" then return e.id, "id" end
  return nil
end

-- An inverted catalogue names the repository's own documents as its
-- entries and the requirement in the group title ('【CC1.1】 The
-- entity...'): the group is the requirement, its entries implement it.
local function group_requirement(b, st, g, ek, path)
  local title = type(g.title) == "string" and g.title
                or type(g.name) == "string" and g.name
  if not title then return nil end
  g.kind, g.path = "requirement", path
  if type(g.id) ~= "string" then
    for _, hit in ipairs(ids.scan(title)) do
      if not st.framework or hit.framework == st.framework then
        g.id, g.raw_id = hit.id, hit.raw
        break
      end
    end
    if not g.id then
      g.id = clean_title(title:match("[^\n]*"):gsub("^[^%w]+", ""))
    end
    place(b, g, "id", g, g.title == title and "title" or "name")
    if g.raw_id then index_raw(b, st, g.raw_id, g, "id") end
  end
  local impl = {}
  b.ctx.set_pos(impl, g, ek)
  for _, e in ipairs(g[ek]) do
    local r, k = entry_ref(e)
    if r then
      impl[#impl + 1] = trim(r)
      place(b, impl, #impl, e, k)
    end
  end
  g.implemented_by = impl
  return g
end

-- Read once every document is known: whether the entries are the
-- repository's own documents decides the catalogue's direction.
local function read_grouped_catalogue(b, c, own)
  local root, groups, ek = c.root, c.groups, c.ek
  if is_placeholder(root.standard) then return end
  local st = new_standard(b, root, c.path)
  local total, mine = 0, 0
  for _, g in ipairs(groups) do
    if is_map(g) and is_list(g[ek]) then
      for _, e in ipairs(g[ek]) do
        local r = entry_ref(e)
        if r then
          total = total + 1
          if own[trim(r)] then mine = mine + 1 end
        end
      end
    end
  end
  local reqs = {}
  b.ctx.set_pos(reqs, root, "standard")
  for _, g in ipairs(groups) do
    if is_map(g) and is_list(g[ek]) then
      if total > 0 and mine * 2 > total then
        reqs[#reqs + 1] = group_requirement(b, st, g, ek, c.path)
      else
        for _, e in ipairs(g[ek]) do
          local r, k = entry_ref(e)
          if r then
            local req = catalogue_entry(b, st, e, k, c.path)
            entry_mappings(b, req)
            reqs[#reqs + 1] = req
          end
        end
      end
    end
  end
  st.requirements = reqs
  b.repo.standards[#b.repo.standards + 1] = st
end

-- The names a catalogue entry may use for a document or control of the
-- repository: ids, and document file names without extension.
local function own_names(repo)
  local own = {}
  for _, doc in ipairs(repo.documents) do
    if type(doc.id) == "string" then own[doc.id] = true end
    own[strip_ext(doc.path):match("([^/]+)$")] = true
  end
  for _, c in ipairs(repo.controls) do
    if type(c.id) == "string" then own[c.id] = true end
  end
  return own
end

-- ---- declarations: data files that give documents their ids ----

-- A top-level list of '{id, file, name}' entries under one of these keys
-- declares the id and name of the document in that file (JupiterOne's
-- config.json); the key gives the document's type when it has none.
local declaration_keys = {
  {key = "policies", type = "policy"}, {key = "procedures", type =
  "procedure"}, {key = "standards", type = "standard"},
  {key = "narratives", type = "narrative"}, {key = "plans", type = "plan"},
  {key = "records", type = "record"}, {key = "references"},
  {key = "documents"},
}

-- An entry with an id and a file in the repository (a URL names a
-- document kept elsewhere: not a declaration).
local function declaration_item(item)
  if not is_map(item) or type(item.id) ~= "string" then return false end
  local f = item.file
  if f == nil then f = item.path end
  return type(f) == "string" and trim(f) ~= "" and not f:find("://", 1, true)
end

local function read_declarations(b, root, path)
  local found = false
  for _, d in ipairs(declaration_keys) do
    local list = root[d.key]
    if is_list(list) then
      for _, item in ipairs(list) do
        if declaration_item(item) and not b.seen[item] then
          b.seen[item] = true
          found = true
          alias(b, item, "path", "file")
          item.kind, item.path = "declaration", path
          item.id = trim(item.id)
          item.file = trim(item.file)
          item.declares = d.type
          norm_bool(b, item, "adopted")
          norm_bool(b, item, "applicable")
          norm_idlist(b, item, "procedures")
          b.repo.declarations[#b.repo.declarations + 1] = item
        end
      end
    end
  end
  return found
end

-- The document a declaration names: its file relative to the declaring
-- file's folder (else to the root), as written or with the extension a
-- template or Markdown file adds.
local function declared_document(item, by_path)
  local f = item.file
  local dir = dir_of(item.path)
  for _, base in ipairs{f:sub(1, 1) ~= "/" and dir or nil, ""} do
    local rel = clean_path(base ~= "" and (base .. "/" .. f) or f)
    if rel then
      for _, ext in ipairs{"", ".tmpl", ".md", ".md.tmpl", ".markdown"} do
        local doc = by_path[rel .. ext]
        if doc then return doc end
      end
    end
  end
  return nil
end

local function declare(doc, item)
  doc.declaration = item
  if doc.defaults.id then
    doc.id, doc.defaults.id, doc.source.id = item.id, nil, "declaration"
  end
  local name = type(item.name) == "string" and item.name or item.title
  if type(name) == "string" and trim(name) ~= ""
     and (doc.title == nil or doc.defaults.title) then
    doc.title, doc.defaults.title = trim(name), nil
    doc.source.title = "declaration"
  end
  if item.declares and doc.defaults.type then
    doc.type, doc.defaults.type = item.declares, nil
    doc.source.type = "declaration"
  end
  if item.adopted == false or item.applicable == false then
    doc.adopted = false
  end
  if is_list(item.procedures) then doc.procedures = item.procedures end
end

-- Gives declared documents their ids, then marks the documents a policy
-- lists as its procedures as parts of it (doc.part_of: the policy's id).
local function apply_declarations(b)
  local decls = b.repo.declarations
  if #decls == 0 then return end
  local by_path = {}
  for _, doc in ipairs(b.repo.documents) do by_path[doc.path] = doc end
  for _, item in ipairs(decls) do
    local doc = declared_document(item, by_path)
    item.document = doc
    if doc and not doc.declaration then declare(doc, item) end
  end
  local by_id = {}
  for _, doc in ipairs(b.repo.documents) do
    if type(doc.id) == "string" and not by_id[doc.id] then
      by_id[doc.id] = doc
    end
  end
  for _, doc in ipairs(b.repo.documents) do
    for _, id in ipairs(is_list(doc.procedures) and doc.procedures or {}) do
      local part = by_id[id]
      if part and part ~= doc and part.part_of == nil then
        part.part_of = doc.id
      end
    end
  end
end

-- ---- other data files ----

-- A value written as a calendar date (YYYY-MM-DD) in a data file the
-- model does not otherwise read is still meant as a date: one that names
-- no real day ('2013-13-05') is reported wherever it sits. Nothing else
-- in such a file is guessed at.
local function check_dates(b, t, path, depth)
  if depth > 32 or b.seen[t] then return end
  b.seen[t] = true
  for k, v in pairs(t) do
    if type(v) == "string" then
      if #v == 10 and v:find("^%d%d%d%d%-%d%d%-%d%d$") then
        local d, why = date.parse(v)
        if not d then
          report(b, "invalid-value", "warning", t, k,
            ("cannot read '%s' as a date: %s; write it as YYYY-MM-DD")
              :format(v, why), ("value:%s:%s:%s"):format(path,
              tostring(k), v))
        end
      end
    elseif type(v) == "table" then
      check_dates(b, v, path, depth + 1)
    end
  end
end

local function read_data_root(b, root, path)
  if not is_map(root) then return end
  if is_component(root) then return read_component(b, root, path) end
  local used = false
  local catalogue = root.controls ~= nil and is_catalogue(root.controls)
  if catalogue then
    read_catalogue(b, root, root.controls, path)
    used = true
  end
  local groups, ek = catalogue_groups(root)
  if groups then
    b.grouped[#b.grouped + 1] = {root = root, path = path, groups = groups,
                                 ek = ek}
    used = true
  end
  for _, reg in ipairs(registers) do
    if root[reg.key] ~= nil and not (catalogue and reg.key == "controls")
    then
      read_register(b, reg, root[reg.key], path)
      used = true
    end
  end
  if root.scope ~= nil then read_scope(b, root.scope, path) end
  if root.isms ~= nil then read_isms(b, root.isms, path) end
  used = used or root.scope ~= nil or root.isms ~= nil
  used = read_declarations(b, root, path) or used
  if not used and is_standard(root) then
    read_standard(b, root, path)
    used = true
  end
  if not used then check_dates(b, root, path, 0) end
end

-- ---- the repository ----

local function new_repo(files)
  return {
    files = files, documents = {}, controls = {}, systems = {},
    scope = {}, soa = {}, evidence = {}, risks = {}, vendors = {},
    standards = {}, declarations = {},
    isms = {internal_audits = {}, management_reviews = {},
            nonconformities = {}, improvements = {}, objectives = {}},
    index = {},
  }
end

-- repo.index.<kind>[id]: the first object with that id, in file order.
local function build_index(repo)
  for _, kind in ipairs{"documents", "controls", "systems", "evidence",
                        "risks", "vendors", "soa", "standards"} do
    local idx = {}
    for _, obj in ipairs(repo[kind]) do
      local id = kind == "standards" and obj.name or obj.id
      if type(id) == "string" and idx[id] == nil then idx[id] = obj end
    end
    repo.index[kind] = idx
  end
end

-- Builds the repository model from the loader's files (sorted by path).
-- Declarations and grouped catalogues wait until every document is
-- read: they name documents in other files.
function M.build(files, ctx)
  local b = {ctx = ctx, repo = new_repo(files), seen = {}, unknown_fw = {},
             unknown_list = {}, spellings = {}, spelling_list = {},
             grouped = {}, trimmed = setmetatable({}, trim_memo),
             framework = setmetatable({}, framework_memo),
             canonical = setmetatable({}, canonical_memo)}
  for _, file in ipairs(files) do
    if file.kind == "markdown" then
      read_document(b, file)
    elseif file.kind == "yaml" or file.kind == "json" then
      for _, root in ipairs(file.docs or {}) do
        read_data_root(b, root, file.path)
      end
    end
  end
  apply_declarations(b)
  if #b.grouped > 0 then
    local own = own_names(b.repo)
    for _, c in ipairs(b.grouped) do read_grouped_catalogue(b, c, own) end
  end
  report_unknown_frameworks(b)
  build_index(b.repo)
  return b.repo
end

return M
