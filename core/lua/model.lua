-- auditlint model: turns the loaded files into the repository model of
-- docs/rule-api.md. Objects are the loader's own mapping tables,
-- normalised in place, so every field keeps its file position; values
-- that cannot be read are reported here, once, and kept aside in
-- object.unreadable. Uses auditlint.freq, auditlint.date, auditlint.ids.

local freq = require("auditlint.freq")
local date = require("auditlint.date")
local ids = require("auditlint.ids")

local M = {}

-- ---- small helpers ----

-- Most values have no surrounding space: check the end bytes first.
local function trim(s)
  local a, z = s:byte(1), s:byte(-1)
  if a == nil or (a > 32 and z > 32) then return s end
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

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
    obj[field or "id"] = trim(v)
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
  elseif is_list(v) then
    for i, item in ipairs(v) do
      if type(item) == "string" then v[i] = trim(item) end
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
local function canonical_ids(fw, list)
  for i, v in ipairs(list) do
    if type(v) == "string" then
      list[i] = ids.canonical(fw, v) or trim(v)
    end
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
  if n > 1 then table.sort(keys) end
  for i = 1, n do
    local key = keys[i]
    keys[i] = nil
    norm_idlist(b, m, key)
    local fw = ids.framework(key)
    if not fw then
      unknown_framework(b, key, m, key)
    else
      if is_list(m[key]) then canonical_ids(fw, m[key]) end
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

-- OpenControl names the accountable party 'responsible_role'.
local function norm_control(b, c)
  alias(b, c, "name", "title")
  alias(b, c, "documents", "policies")
  alias(b, c, "responsible_role", "owner")
  alias(b, c, "last_updated", "last_reviewed")
  alias(b, c, "reviewed", "last_reviewed")
  norm_idlist(b, c, "policies")
  norm_idlist(b, c, "evidence")
  norm_idlist(b, c, "systems")
  norm_date(b, c, "last_reviewed")
  norm_bool(b, c, "automated")
  norm_word(b, c, "status", control_status, "a control status")
  norm_frequencies(b, c)
  norm_maps(b, c)
end

local function norm_system(b, s)
  norm_idlist(b, s, "data")
end

local function norm_evidence(b, e)
  alias(b, e, "name", "title")
  norm_idlist(b, e, "controls")
  norm_date(b, e, "collected")
  if is_map(e.period) then
    norm_date(b, e.period, "from")
    norm_date(b, e.period, "to")
  end
  norm_bool(b, e, "automated")
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

local function add_object(b, reg, obj, path)
  if b.seen[obj] then
    local out = b.repo[reg.key]
    out[#out + 1] = obj
    return
  end
  b.seen[obj] = true
  stamp(b, obj, reg.kind, path)
  reg.norm(b, obj)
  local out = b.repo[reg.key]
  out[#out + 1] = obj
end

-- A register is a list of items, or a mapping from id to item.
local function read_register(b, reg, v, path)
  if is_list(v) then
    for i, item in ipairs(v) do
      local obj = register_item(b, v, i, item)
      if obj then add_object(b, reg, obj, path) end
    end
  elseif is_map(v) then
    for _, k in ipairs(keys_in_file_order(b, v)) do
      local obj = v[k]
      if is_map(obj) then
        if obj.id == nil then
          obj.id = k
          place(b, obj, "id", v, k)
        end
        add_object(b, reg, obj, path)
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

local function read_data_root(b, root, path)
  if not is_map(root) then return end
  if is_component(root) then return read_component(b, root, path) end
  for _, reg in ipairs(registers) do
    if root[reg.key] ~= nil then read_register(b, reg, root[reg.key], path) end
  end
  if root.scope ~= nil then read_scope(b, root.scope, path) end
  if root.isms ~= nil then read_isms(b, root.isms, path) end
  local data = false
  for _, reg in ipairs(registers) do data = data or root[reg.key] ~= nil end
  if not data and root.scope == nil and root.isms == nil
     and is_standard(root) then
    read_standard(b, root, path)
  end
end

-- ---- documents ----

local function strip_ext(path)
  for _, ext in ipairs{"%.md%.tmpl$", "%.markdown$", "%.md$"} do
    local s = path:gsub(ext, "")
    if s ~= path then return s end
  end
  return (path:gsub("%.[^./]*$", ""))
end

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

-- The title a reader sees: the first level-1 heading, else an HTML
-- <h1> in the text before the first heading (badge-style READMEs), else
-- the first heading of any level.
local function title_from(sections)
  local any
  for _, s in ipairs(sections or {}) do
    if s.heading and s.level == 1 then return clean_title(s.heading) end
    any = any or s.heading
  end
  local pre = sections and sections[1]
  local h1 = pre and pre.level == 0 and pre.text
             and pre.text:match("<[hH]1[^>]*>(.-)</[hH]1>")
  if h1 and clean_title(h1) ~= "" then return clean_title(h1) end
  return any and clean_title(any)
end

-- A default has no place of its own in the file: ctx.where(doc, field)
-- falls back to the document (its front matter, or the first line).
-- doc.defaults records which fields the model filled in.
local function default(doc, field, value)
  doc[field] = value
  doc.defaults[field] = true
end

-- The newest readable majorRevisions date stands in for a review date
-- (comply records reviews as revisions).
local function review_from_revisions(b, doc)
  local revs = doc.majorRevisions
  if not is_list(revs) then return end
  norm_dates_in(b, revs, {"date"})
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

local readme_names = {readme = true, index = true, _index = true}

-- A README or index page without front matter is a folder's
-- introduction, not a policy: it stays a document (links may point at
-- it) but is marked so that rules about policies can skip it. One that
-- cites framework ids is treated as a real document.
local function is_readme(doc, file)
  if file.front_matter ~= "none" then return false end
  local base = strip_ext(file.path):match("([^/]+)$"):lower()
  if not readme_names[base] then return false end
  for _, s in ipairs(file.sections or {}) do
    if #ids.scan(s.text) > 0 then return false end
  end
  return true
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
  for _, a in ipairs{"last_updated", "reviewed"} do
    alias(b, doc, a, "last_reviewed")
  end
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
  doc.defaults = {}
  doc_aliases(b, doc)
  stamp(b, doc, "document", file.path)
  if type(doc.type) == "string" then
    doc.type = doc_types[trim(doc.type):lower()] or trim(doc.type)
  end
  norm_word(b, doc, "status", doc_status, "a document status")
  norm_date(b, doc, "approved")
  norm_date(b, doc, "last_reviewed")
  review_from_revisions(b, doc)
  norm_frequencies(b, doc)
  doc_cron(b, doc)
  norm_maps(b, doc)
  norm_idlist(b, doc, "scope")
  norm_idlist(b, doc, "supersedes")
  doc_defaults(b, doc, file)
  doc.sections = file.sections or {}
  doc.front_matter = file.front_matter
  doc.readme = is_readme(doc, file)
  local out = b.repo.documents
  out[#out + 1] = doc
end

-- ---- the repository ----

local function new_repo(files)
  return {
    files = files, documents = {}, controls = {}, systems = {},
    scope = {}, soa = {}, evidence = {}, risks = {}, vendors = {},
    standards = {},
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
function M.build(files, ctx)
  local b = {ctx = ctx, repo = new_repo(files), seen = {}, unknown_fw = {}}
  for _, file in ipairs(files) do
    if file.kind == "markdown" then
      read_document(b, file)
    elseif file.kind == "yaml" or file.kind == "json" then
      for _, root in ipairs(file.docs or {}) do
        read_data_root(b, root, file.path)
      end
    end
  end
  build_index(b.repo)
  return b.repo
end

return M
