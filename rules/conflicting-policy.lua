-- conflicting-policy: two documents in force disagree. Two kinds of
-- disagreement are found:
--
-- - Metadata: documents on the same subject (the same type and the
--   same title topic) that set different review frequencies, owners
--   or scopes. Requirement mappings alone do not make two documents one
--   subject: an access control policy and a remote access policy both
--   map to CC6.1 and rightly have their own owners. Values the model
--   filled in (doc.defaults) are never compared.
-- - Parameters stated in prose, compared across every document in force
--   because they are organisation-wide facts: a retention period for one
--   subject ('audit logs retained for 90 days'), a minimum password
--   length, an RTO or RPO, and the cadence of one recurring activity
--   ('access is reviewed every quarter'). Only the same parameter of the
--   same subject is compared; a sentence or document that gives two
--   values for one parameter is ambiguous and left out.
--
-- A control and the policy it links are stricter-frequency's concern,
-- and only when the policy is stricter: a control that runs more often
-- than its policy asks is not a conflict. Drafts, retired documents,
-- records and README/index pages are not in force.

local freq = require("auditlint.freq")
local text = require("auditlint.text")

local EMPTY = {}

local function stated(doc, field)
  return doc[field] ~= nil and not (doc.defaults and doc.defaults[field])
end

-- ---- subjects: type and title topic ----

-- Words that say what kind of document it is, not what it is about.
local kind_words = {}
for _, w in ipairs{"policy", "plan", "procedure", "process", "standard",
                   "document", "program", "programme", "narrative",
                   "guideline", "manual", "overview", "template",
                   "framework",
                   "volume", "version", "revision", "draft", "new",
                   "old", "updated", "v1", "v2", "v3"} do
  kind_words[w] = true
end

-- Words too general to tell two subjects apart ('Information Security
-- Policy'); used only when the title has other words.
local general_words = {}
for _, w in ipairs{"security", "information", "cyber", "it", "corporate",
                   "company", "organisation", "organization"} do
  general_words[w] = true
end

local function raw_topic(title)
  local out = {}
  if type(title) ~= "string" then return out end
  title = title:gsub("{{.-}}", " ")
  for _, w in ipairs(text.content_words(title)) do
    if not kind_words[w] and not w:match("^v%d") then out[#out + 1] = w end
  end
  -- Numbers tell documents apart ('Policy 5.1', 'Policy 5.2'); years
  -- and volume numbers do not.
  title = title:lower():gsub("volume%s*%d+", " ")
  for n in title:gmatch("%d[%d%.]*") do
    n = n:gsub("%.$", "")
    if not (n:match("^19%d%d$") or n:match("^20%d%d$")) then
      out[#out + 1] = "#" .. n
    end
  end
  table.sort(out)
  return out
end

local function without(words, drop)
  local out = {}
  for _, w in ipairs(words) do
    if not drop(w) then out[#out + 1] = w end
  end
  return out
end

-- Title topics: the title's words without document-kind words, without
-- the words most titles share (a company name: a word in a quarter of
-- the titles, when there are eight or more), and without general words
-- when others remain. Two documents are on one subject when they have
-- the same type and the same topic.
local function topics(entries)
  local df = {}
  for _, e in ipairs(entries) do
    e.raw_topic = raw_topic(e.doc.title)
    for _, w in ipairs(e.raw_topic) do df[w] = (df[w] or 0) + 1 end
  end
  local limit = #entries >= 8 and #entries / 4 or math.huge
  for _, e in ipairs(entries) do
    local t = without(e.raw_topic, function(w) return df[w] >= limit end)
    local specific = without(t, function(w) return general_words[w] end)
    e.topic = #specific > 0 and specific or t
    e.topic_key = #e.topic > 0 and table.concat(e.topic, " ") or nil
  end
end

-- Groups of two or more documents of the same type and topic, each a
-- list of entries in path order.
local function subject_groups(entries)
  local groups, order, out = {}, {}, {}
  for _, e in ipairs(entries) do
    if e.topic_key then
      local key = e.type .. "\0" .. e.topic_key
      if not groups[key] then
        groups[key] = {}
        order[#order + 1] = key
      end
      table.insert(groups[key], e)
    end
  end
  for _, key in ipairs(order) do
    if #groups[key] > 1 then out[#out + 1] = groups[key] end
  end
  return out
end

-- ---- metadata ----

local function scope_key(list)
  if type(list) ~= "table" then return nil end
  local items = {}
  for _, v in ipairs(list) do
    if type(v) == "string" and text.fold(v) ~= "" then
      items[#items + 1] = text.fold(v)
    end
  end
  if #items == 0 then return nil end
  table.sort(items)
  return table.concat(items, "\n")
end

local fields = {
  {name = "review_frequency", key = function(d)
     return type(d.review_frequency) == "string"
       and freq.parse(d.review_frequency) or nil
   end},
  {name = "owner", key = function(d)
     return type(d.owner) == "string" and text.fold(d.owner) ~= ""
       and text.fold(d.owner) or nil
   end},
  {name = "scope", key = function(d) return scope_key(d.scope) end},
}

local function shown(doc, field)
  local v = doc[field]
  if type(v) == "table" then
    local parts = {}
    for _, x in ipairs(v) do parts[#parts + 1] = tostring(x) end
    return table.concat(parts, ", ")
  end
  return tostring(v)
end

local function shared_ids(a, b)
  local set, out = {}, {}
  for fw, list in pairs(type(b.maps) == "table" and b.maps or EMPTY) do
    if type(list) == "table" then
      for _, id in ipairs(list) do set[tostring(fw) .. ":" .. id] = id end
    end
  end
  for fw, list in pairs(type(a.maps) == "table" and a.maps or EMPTY) do
    if type(list) == "table" then
      for _, id in ipairs(list) do
        local k = tostring(fw) .. ":" .. id
        if set[k] then
          out[#out + 1] = set[k]
          set[k] = nil
        end
      end
    end
  end
  table.sort(out)
  return out
end

local function relation(a, b)
  local ids = shared_ids(a, b)
  if #ids == 0 then return "on the same subject" end
  local list = table.concat(ids, ", ", 1, math.min(#ids, 3))
  if #ids > 3 then list = list .. (" and %d more"):format(#ids - 3) end
  return "which also governs " .. list
end

local function metadata_advice(field, a, b)
  if field == "review_frequency" then
    local s = freq.strictest{a.review_frequency, b.review_frequency}
    return ("agree on one (the stricter, '%s', satisfies both)"):format(s)
  elseif field == "owner" then
    return "name one owner for the subject, or merge the documents"
  end
  return "state one scope for the subject, or merge the documents"
end

local function report_metadata(ctx, e, field, other, count)
  local a, b = e.doc, other.doc
  local more = count > 1 and (" (and %d more documents)"):format(count - 1)
    or ""
  ctx.report{
    at = a, key = field,
    message = ("'%s' sets '%s' to '%s' but '%s', %s, says '%s'%s; %s")
      :format(e.path, field, shown(a, field), other.path, relation(a, b),
              shown(b, field), more, metadata_advice(field, a, b)),
    related = {{at = b, key = field,
                message = ("'%s' sets '%s' to '%s' here"):format(
                  other.path, field, shown(b, field))}},
    subject = ("%s:%s"):format(e.path, field),
  }
end

-- In each group, every document whose stated value differs from
-- another's is reported, naming the first (path order) that differs.
local function check_metadata(ctx, entries)
  for _, g in ipairs(subject_groups(entries)) do
    for _, f in ipairs(fields) do
      local keyed = {}
      for _, e in ipairs(g) do
        local k = stated(e.doc, f.name) and f.key(e.doc)
        if k then keyed[#keyed + 1] = {e = e, k = k} end
      end
      local n, other = {}, nil
      for _, y in ipairs(keyed) do
        n[y.k] = (n[y.k] or 0) + 1
        if not other and y.k ~= keyed[1].k then other = y end
      end
      for _, x in ipairs(other and keyed or {}) do
        local first = x.k ~= keyed[1].k and keyed[1] or other
        report_metadata(ctx, x.e, f.name, first.e, #keyed - n[x.k])
      end
    end
  end
end

-- ---- parameters in prose ----

-- Words a parameter statement needs; sentences without one are not
-- read.
local prose_keys = {"retain", "retention", "kept", "stored", "preserved",
                    "archived", "maintained", "character", "%f[%w]rto%f[%W]",
                    "%f[%w]rpo%f[%W]", "recovery time", "recovery point"}

-- Sorted offsets in low where a parameter keyword occurs.
local function keyword_offsets(low)
  local out = {}
  for _, k in ipairs(prose_keys) do
    local pos = 1
    while true do
      local a, b = low:find(k, pos, k:sub(1, 1) ~= "%")
      if not a then break end
      out[#out + 1] = a
      pos = b + 1
    end
  end
  table.sort(out)
  return out
end

local function about_passwords(doc, sec)
  local t = type(doc.title) == "string" and doc.title:lower() or ""
  for _, h in ipairs(sec.path or EMPTY) do
    if type(h) == "string" then t = t .. " " .. h:lower() end
  end
  return t:find("password", 1, true) ~= nil
end

-- Calls add(statement) for every parameter a section states; only the
-- sentences holding a keyword are read.
local function section_parameters(doc, sec, add)
  local low = text.lower(sec)
  local keys = keyword_offsets(low)
  if #keys == 0 then return end
  local pw = about_passwords(doc, sec)
  local list, k = text.section_sentences(sec), 1
  for i, s in ipairs(list) do
    local hit = false
    while k <= #keys and keys[k] <= s[2] do
      hit = hit or keys[k] >= s[1]
      k = k + 1
    end
    if hit then
      local flat = low:sub(s[1], s[2]):gsub("%s", " ")
      local nx = list[i + 1]
      local opts = {passwords = pw,
                    following = nx and low:sub(nx[1], nx[2]) or ""}
      for _, p in ipairs(text.parameters(flat, opts)) do
        local at = s[1] + p.at - 1
        add({param = p.param, subject = p.subject, value = p.value,
             section = sec, at = at, len = p.len,
             raw = sec.text:sub(at, at + p.len - 1)})
      end
    end
  end
end

-- Activity names per activity list: {list -> {name -> title}}.
local function activity_names(cat)
  local out = {}
  for _, rec in ipairs(cat:all_expectations()) do
    local a = rec.activity
    if type(a) == "table" and #a > 0 then
      out[a] = out[a] or {}
      out[a][rec.name] = rec.title or rec.name
    end
  end
  local lists = {}
  for a in pairs(out) do lists[#lists + 1] = a end
  table.sort(lists, function(x, y) return x[1] < y[1] end)
  return out, lists
end

-- The one activity a cadence sentence is about, or nil. Policy review
-- is each document's own cadence (its review_frequency), so documents
-- that review themselves at different intervals do not conflict.
local function activity_of(cs, names, lists)
  local found, title, regime
  for _, list in ipairs(lists) do
    local p, x = text.phrase_near(cs.text, list, cs.cad_first, cs.cad_last,
                                  text.near_words)
    if p then
      regime = regime or text.qualifier(cs.text, x, cs.cad_last)
      for name, t in pairs(names[list]) do
        if found and found ~= name then return nil end
        found, title = name, t
      end
    end
  end
  if found and regime then
    return found .. ":" .. regime, regime .. " " .. title:lower()
  end
  return found, title
end

local function section_cadences(sec, names, lists, add)
  for _, cs in ipairs(text.cadence_sentences(sec)) do
    local name, title = activity_of(cs, names, lists)
    if name and not name:match("^policy%-review") then
      add({param = "cadence", subject = name, title = title:lower(),
           value = cs.freq, section = sec, at = cs.at,
           len = cs.len, raw = sec.text:sub(cs.at, cs.at + cs.len - 1)})
    end
  end
end

local function same(p, a, b)
  if p == "cadence" then return a == b end
  return text.same_value(a, b)
end

-- Statements of one document, one per parameter and subject; a document
-- that gives two values for one of them is ambiguous and states none.
local function document_statements(e, names, lists)
  local by_key, order = {}, {}
  local function add(st)
    local key = st.param .. "\0" .. st.subject
    local prev = by_key[key]
    if prev == nil then
      by_key[key] = st
      order[#order + 1] = key
    elseif prev and not same(st.param, prev.value, st.value) then
      by_key[key] = false
    end
  end
  for _, sec in ipairs(e.doc.sections or EMPTY) do
    if type(sec.text) == "string" then
      section_parameters(e.doc, sec, add)
      section_cadences(sec, names, lists, add)
    end
  end
  local out = {}
  for _, key in ipairs(order) do
    if by_key[key] then
      by_key[key].entry = e
      out[#out + 1] = by_key[key]
    end
  end
  return out
end

local function describe(st)
  if st.param == "retention" then
    return ("keeps %s for '%s'"):format(st.subject, st.raw)
  elseif st.param == "password-length" then
    return ("sets a minimum length of '%s' for %s"):format(st.raw,
                                                           st.subject)
  elseif st.param == "cadence" then
    return ("says %s runs '%s'"):format(st.title, st.value)
  end
  return ("sets the %s to '%s'"):format(st.param:upper(), st.raw)
end

local function prose_advice(st, other)
  if st.param == "cadence" then
    return ("agree on one cadence (the stricter, '%s', satisfies both)")
      :format(freq.strictest{st.value, other.value})
  end
  return "agree on one value and state it in one document that the "
    .. "other refers to"
end

local function report_statement(ctx, st, other)
  ctx.report{
    at = st.section, offset = st.at, length = st.len,
    message = ("'%s' %s but '%s' says '%s'; %s"):format(st.entry.path,
      describe(st), other.entry.path,
      other.param == "cadence" and other.value or other.raw,
      prose_advice(st, other)),
    related = {{at = other.section, offset = other.at, length = other.len,
                message = ("'%s' says '%s' here"):format(other.entry.path,
                  other.param == "cadence" and other.value or other.raw)}},
    subject = ("%s:%s:%s"):format(st.entry.path, st.param, st.subject),
  }
end

local function check_prose(ctx, entries)
  local names, lists = activity_names(ctx.catalog)
  local groups, order = {}, {}
  for _, e in ipairs(entries) do
    for _, st in ipairs(document_statements(e, names, lists)) do
      local key = st.param .. "\0" .. st.subject
      if not groups[key] then
        groups[key] = {}
        order[#order + 1] = key
      end
      table.insert(groups[key], st)
    end
  end
  for _, key in ipairs(order) do
    local g = groups[key]
    local firsts = {}
    for _, st in ipairs(g) do
      local known = false
      for _, f in ipairs(firsts) do
        known = known or same(st.param, f.value, st.value)
      end
      if not known then firsts[#firsts + 1] = st end
    end
    for _, st in ipairs(#firsts > 1 and g or EMPTY) do
      for _, other in ipairs(firsts) do
        if not same(st.param, st.value, other.value) then
          report_statement(ctx, st, other)
          break
        end
      end
    end
  end
end

-- ---- the check ----

local function check(repo, ctx)
  text.apply_expectations(ctx)
  local entries = {}
  for _, doc in ipairs(repo.documents or EMPTY) do
    if text.in_force(doc) then
      entries[#entries + 1] = {doc = doc, path = doc.path, type = doc.type}
    end
  end
  table.sort(entries, function(a, b) return a.path < b.path end)
  for i, e in ipairs(entries) do e.index = i end
  topics(entries)
  check_metadata(ctx, entries)
  check_prose(ctx, entries)
end

return {
  id = "conflicting-policy",
  severity = "warning",
  summary = "documents in force disagree on review frequency, owner, "
    .. "scope or a parameter they state in prose",
  frameworks = {"soc2", "iso27001"},
  options = {},
  check = check,
}
