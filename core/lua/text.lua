-- auditlint.text: reading names and prose for rules. Name folding, word
-- stems, which documents are in force, sentence splitting, the cadences
-- and parameters a sentence states, hashed word shingles for
-- near-duplicate detection, and the frequency expectations with the
-- configuration applied. Pure functions over strings, apart from
-- caches: per body section (weak keys), per word and name (stems and
-- folded names, which repeat), and per catalogue (the configuration is
-- applied to each catalogue once). Uses auditlint.ids, auditlint.freq.

local ids = require("auditlint.ids")
local freq = require("auditlint.freq")

local M = {}

-- A repository-relative path with '.' and '..' parts resolved; nil when
-- it climbs out of the repository. Shared by the model and the rules
-- that follow relative links between files.
function M.clean_path(path)
  local parts = {}
  for part in path:gmatch("[^/]+") do
    if part == ".." then
      if #parts == 0 then return nil end
      parts[#parts] = nil
    elseif part ~= "." then
      parts[#parts + 1] = part
    end
  end
  return table.concat(parts, "/")
end

local function set_of(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

-- ---- names and words ----

-- A name as people compare it: lowercase, with runs of spaces, '-' and
-- '_' as one space, trimmed. nil for anything but a string.
local fold_cache = {}

function M.fold(s)
  if type(s) ~= "string" then return nil end
  local f = fold_cache[s]
  if not f then
    f = s:lower():gsub("[%s_%-]+", " ")
    f = f:gsub("^ ", ""):gsub(" $", "")
    fold_cache[s] = f
  end
  return f
end

-- White space folded to single spaces, so that a phrase still matches
-- when a line break falls inside it.
function M.squeeze(s)
  return (s:gsub("%s+", " "))
end

-- A light English stem: plural and '-ed'/'-ing' endings go, so that
-- 'rules', 'reviewed' and 'reviewing' meet 'rule' and 'review'.
local function stem(w)
  if #w > 4 and w:sub(-3) == "ies" then
    w = w:sub(1, -4) .. "y"
  elseif #w > 3 and w:sub(-1) == "s" and w:sub(-2) ~= "ss" then
    w = w:sub(1, -2)
  end
  if #w > 5 and w:sub(-3) == "ing" then
    w = w:sub(1, -4)
  elseif #w > 4 and w:sub(-2) == "ed" then
    w = w:sub(1, -3)
  end
  return w
end

-- Stems are remembered: a repository reuses a small vocabulary.
local stems = {}

function M.stem(w)
  local st = stems[w]
  if not st then
    st = stem(w)
    stems[w] = st
  end
  return st
end

M.stopwords = set_of{
  "a", "an", "and", "any", "are", "as", "at", "be", "by", "each", "every",
  "for", "from", "in", "is", "it", "its", "of", "on", "or", "our", "the",
  "their", "this", "to", "with", "all", "per", "via", "vs", "into",
}

-- Words that say how often, not what: left out of activity matching.
M.cadence_words = set_of{
  "daily", "weekly", "monthly", "quarterly", "annual", "annually",
  "yearly", "semiannual", "biannual", "biennial", "continuous",
  "continuously", "periodic", "periodically", "regular", "regularly",
}

-- The distinct stems of the content words of s, sorted, skipping stop
-- words, numbers and the words of the set extra.
function M.content_words(s, extra)
  local seen, out = {}, {}
  for w in s:lower():gmatch("%a[%w]*") do
    if not M.stopwords[w] and not M.cadence_words[w]
       and not (extra and extra[w]) then
      local st = M.stem(w)
      if not seen[st] then
        seen[st] = true
        out[#out + 1] = st
      end
    end
  end
  table.sort(out)
  return out
end

-- ---- documents ----

-- A document path without its Markdown extension ('.md', '.markdown',
-- '.md.tmpl'), as the model forms default ids.
function M.strip_ext(path)
  return (path:gsub("%.md%.tmpl$", ""):gsub("%.markdown$", "")
              :gsub("%.md$", ""))
end

-- True for a document in force: active (the model's default status),
-- not a README or index page, not a record, and with a path.
function M.in_force(doc)
  return doc.status == "active" and not doc.readme and doc.type ~= "record"
    and type(doc.path) == "string"
end

-- ---- sentences ----

-- After a line break, a blank line, a list item, a table row, a heading,
-- a quote or an HTML tag starts something new; other lines continue a
-- hard-wrapped paragraph.
local function starts_block(text, p)
  local line = text:match("^[ \t]*([^\n]*)", p)
  if line == nil or line == "" then return true end
  return line:match("^[%-%*%+] ") or line:match("^%d+[%.%)] ")
    or line:match("^%a[%.%)] ") or line:match("^[ivx]+[%.%)] ")
    or line:match("^[|#><]") ~= nil
end

-- A full stop after a lone letter ('e.g.', 'i.e.', a list's 'a.') does
-- not end a sentence.
local function abbreviation(text, p)
  local before = p > 2 and text:sub(p - 2, p - 2) or " "
  return text:sub(p - 1, p - 1):match("%a") ~= nil
    and (before == "." or before:match("%s") ~= nil or p == 2)
end

local function ends_sentence(text, p, c)
  if c == "\n" then return starts_block(text, p + 1) end
  local nx = text:sub(p + 1, p + 1)
  if nx ~= "" and not nx:match("%s") then return false end
  return c ~= "." or not abbreviation(text, p)
end

-- The sentences of text: a list of {first, last} byte offsets, leading
-- white space skipped, empty ones dropped. '.', '!', '?' and ';' before
-- white space end a sentence, and so does the end of a line that a list
-- item, a table row or a blank line follows.
function M.sentences(text)
  local out, start, pos = {}, 1, 1
  local function add(last)
    local first = text:find("%S", start)
    if first and first <= last then out[#out + 1] = {first, last} end
  end
  while true do
    local p = text:find("[%.!?;\n]", pos)
    if not p then break end
    if ends_sentence(text, p, text:sub(p, p)) then
      add(p)
      start = p + 1
    end
    pos = p + 1
  end
  add(#text)
  return out
end

-- ---- cadences in prose ----

-- Phrases that state how often something happens, most specific first;
-- false marks a cadence the vocabulary has no name for (every two weeks).
-- Continuous wording is left out on purpose: prose uses it for
-- automated monitoring far more often than for the cadence of a task.
local cadence_phrases = {
  {"bi%-?weekly", false}, {"fortnightly", false}, {"bi%-?monthly", false},
  {"every other week", false}, {"every two weeks", false},
  {"every 2 weeks", false}, {"every other month", false},
  {"semi%-?annual", "semiannual"}, {"semi%-?annually", "semiannual"},
  {"half%-?yearly", "semiannual"}, {"bi%-?annual", "semiannual"},
  {"bi%-?annually", "semiannual"}, {"twice a year", "semiannual"},
  {"twice per year", "semiannual"}, {"twice yearly", "semiannual"},
  {"every six months", "semiannual"}, {"every 6 months", "semiannual"},
  {"every 180 days", "semiannual"},
  {"biennial", "biennial"}, {"biennially", "biennial"},
  {"every two years", "biennial"}, {"every 2 years", "biennial"},
  {"every other year", "biennial"},
  {"annual", "annual"}, {"annually", "annual"}, {"yearly", "annual"},
  {"every year", "annual"}, {"each year", "annual"},
  {"once a year", "annual"}, {"once per year", "annual"},
  {"once every year", "annual"}, {"every twelve months", "annual"},
  {"every 12 months", "annual"}, {"every 365 days", "annual"},
  {"per annum", "annual"},
  {"quarterly", "quarterly"}, {"every quarter", "quarterly"},
  {"each quarter", "quarterly"}, {"once a quarter", "quarterly"},
  {"once per quarter", "quarterly"}, {"every three months", "quarterly"},
  {"every 3 months", "quarterly"}, {"every 90 days", "quarterly"},
  {"monthly", "monthly"}, {"every month", "monthly"},
  {"each month", "monthly"}, {"once a month", "monthly"},
  {"once per month", "monthly"}, {"every 30 days", "monthly"},
  {"weekly", "weekly"}, {"every week", "weekly"}, {"each week", "weekly"},
  {"once a week", "weekly"}, {"once per week", "weekly"},
  {"every 7 days", "weekly"}, {"every seven days", "weekly"},
  {"daily", "daily"}, {"every day", "daily"}, {"each day", "daily"},
  {"once a day", "daily"}, {"once per day", "daily"},
  {"every 24 hours", "daily"},
}

-- Each phrase holds one of these keywords (the first that fits); a
-- text is searched for the keywords, and the phrases of a keyword are
-- tried only in a window around each place it occurs.
local cadence_keys = {"fortnight", "bienn", "quarter", "month", "week",
                      "annu", "year", "dai", "day", "hour"}

local cadence_groups = {}
do
  local by_key = {}
  for _, c in ipairs(cadence_phrases) do
    local plain = c[1]:gsub("%%%-%?", ""):gsub("%%%-", "-")
    for _, k in ipairs(cadence_keys) do
      if plain:find(k, 1, true) then
        if not by_key[k] then
          by_key[k] = {key = k, phrases = {}}
          cadence_groups[#cadence_groups + 1] = by_key[k]
        end
        table.insert(by_key[k].phrases,
          {c[1]:gsub(" ", "%%s+"), c[2]})
        break
      end
    end
  end
end

local function mentions_any(s, keys)
  for _, k in ipairs(keys) do
    if s:find(k, 1, true) then return true end
  end
  return false
end

local function overlaps(spans, a, b)
  for _, s in ipairs(spans) do
    if a <= s[2] and b >= s[1] then return true end
  end
  return false
end

local function word_at(s, i)
  return i >= 1 and s:sub(i, i):match("[%w]") ~= nil
end

-- The phrase of group g that covers the keyword at h, as absolute
-- offsets, or nil.
local function phrase_at(s, g, h)
  local lo = math.max(1, h - 24)
  local w = s:sub(lo, h + #g.key + 16)
  for _, c in ipairs(g.phrases) do
    local a, b = w:find(c[1])
    while a do
      local a0, b0 = a + lo - 1, b + lo - 1
      if a0 <= h and b0 >= h and not word_at(s, a0 - 1)
         and not word_at(s, b0 + 1) then
        return a0, b0, c[2]
      end
      a, b = w:find(c[1], b + 1)
    end
  end
  return nil
end

-- Every cadence phrase in lowercase text s: a list of {freq=, first=,
-- last=} in text order; freq is false for a cadence without a name in
-- the vocabulary. Overlapping phrases count once ('semi-annual' is not
-- also 'annual').
function M.cadences(s)
  local out = {}
  for _, g in ipairs(cadence_groups) do
    local pos = 1
    while true do
      local h = s:find(g.key, pos, true)
      if not h then break end
      local a, b, f = phrase_at(s, g, h)
      if a and not overlaps(out, a, b) then
        out[#out + 1] = {a, b, freq = f, first = a, last = b}
      end
      pos = h + #g.key
    end
  end
  table.sort(out, function(x, y) return x.first < y.first end)
  return out
end

-- ---- per-section reading, cached ----

local lower_cache = setmetatable({}, {__mode = "k"})

-- The lowercase text of a body section (cached: several rules read it).
function M.lower(section)
  local l = lower_cache[section]
  if not l then
    l = type(section.text) == "string" and section.text:lower() or ""
    lower_cache[section] = l
  end
  return l
end

local sentence_cache = setmetatable({}, {__mode = "k"})

-- The sentences of a section's lowercase text (cached).
function M.section_sentences(section)
  local hit = sentence_cache[section]
  if not hit then
    hit = M.sentences(M.lower(section))
    sentence_cache[section] = hit
  end
  return hit
end

local cadence_cache = setmetatable({}, {__mode = "k"})

-- The sentences of a section that state one cadence (perhaps twice)
-- and no other or unreadable one: a list of {first=, last=, text=,
-- freq=, at=, len=, cad_first=, cad_last=}; text is the sentence,
-- lowercase and squeezed; at and len locate the first cadence phrase in
-- section.text, cad_first and cad_last in text. Cached per section.
function M.cadence_sentences(section)
  local hit = cadence_cache[section]
  if hit then return hit end
  hit = {}
  local low = M.lower(section)
  local found = M.cadences(low)
  if #found > 0 then
    local k = 1
    for _, s in ipairs(M.section_sentences(section)) do
      local inside = {}
      while k <= #found and found[k].first <= s[2] do
        if found[k].first >= s[1] then inside[#inside + 1] = found[k] end
        k = k + 1
      end
      local c = inside[1]
      local one = #inside >= 1
      for _, x in ipairs(inside) do
        if x.freq ~= (c and c.freq) or not x.freq then one = false end
      end
      if one then
        local before = M.squeeze(low:sub(s[1], c.first - 1))
        local phrase = M.squeeze(low:sub(c.first, c.last))
        hit[#hit + 1] = {first = s[1], last = s[2], freq = c.freq,
                         at = c.first, len = c.last - c.first + 1,
                         text = M.squeeze(low:sub(s[1], s[2])),
                         cad_first = #before + 1,
                         cad_last = #before + #phrase}
      end
    end
  end
  cadence_cache[section] = hit
  return hit
end

-- How far, in words, an activity phrase may be from the cadence it is
-- given ('user access reviews are performed every quarter': 3).
M.near_words = 6

local function words_in(s)
  local _, n = s:gsub("%w+", "")
  return n
end

-- The first phrase of list that occurs in s within max_words words of
-- the span [a, b] (a cadence phrase), or nil. An occurrence right after
-- 'physical' is about premises, not the activity ('physical security
-- monitoring').
function M.phrase_near(s, list, a, b, max_words)
  for _, p in ipairs(list or {}) do
    local pos = 1
    while p ~= "" do
      local x, y = s:find(p, pos, true)
      if not x then break end
      local gap = (y < a and s:sub(y + 1, a - 1))
        or (x > b and s:sub(b + 1, x - 1)) or ""
      if words_in(gap) <= max_words
         and not s:sub(1, x - 1):match("physical%s*$") then
        return p, x, y
      end
      pos = y + 1
    end
  end
  return nil
end

-- Words that narrow an activity to one regime: HIPAA awareness training
-- is not the security awareness programme.
local regimes = set_of{"hipaa", "pci", "gdpr", "ccpa", "sox", "hitrust",
                       "fedramp", "privacy", "regulatory"}

-- The regime word within two words before the activity phrase at x, or
-- within two words after the cadence phrase ending at b ('annual
-- regulatory training'), or nil.
function M.qualifier(s, x, b)
  local before = s:sub(math.max(1, x - 30), x - 1)
  local words = {}
  for w in before:gmatch("[%w]+") do words[#words + 1] = w end
  for i = math.max(1, #words - 1), #words do
    if regimes[words[i]] then return words[i] end
  end
  local n = 0
  for w in s:sub(b + 1, b + 30):gmatch("[%w]+") do
    n = n + 1
    if n > 2 then break end
    if regimes[w] then return w end
  end
  return nil
end

-- The first phrase of list that s contains, or nil (plain substring
-- test, as policies/expectations.yml describes its activity phrases).
function M.find_phrase(s, list)
  for _, p in ipairs(list or {}) do
    if p ~= "" and s:find(p, 1, true) then return p end
  end
  return nil
end

-- ---- parameters stated in prose ----

local number_words = {
  a = 1, an = 1, one = 1, two = 2, three = 3, four = 4, five = 5,
  six = 6, seven = 7, eight = 8, nine = 9, ten = 10, eleven = 11,
  twelve = 12, thirteen = 13, fourteen = 14, fifteen = 15, sixteen = 16,
  eighteen = 18, twenty = 20, thirty = 30, sixty = 60, ninety = 90,
}

local function number(w)
  if w:match("^%d+$") then return tonumber(w) end
  return number_words[w]
end

-- What a retention period is about, most specific first. A bare 'log'
-- names nothing in particular (a visitor log? an application log?), so
-- it is not a subject.
local retention_subjects = {
  {"audit logs", {"audit log", "audit trail", "audit record"}},
  {"security logs", {"security log", "security event log"}},
  {"access logs", {"access log"}},
  {"application logs", {"application log"}},
  {"system logs", {"system log", "server log"}},
  {"network logs", {"network log", "firewall log", "flow log"}},
  {"visitor logs", {"visitor log", "visitor record", "sign-in sheet"}},
  {"cloudtrail logs", {"cloudtrail"}},
  {"backups", {"backup"}},
  {"cctv footage", {"cctv", "footage", "video recording"}},
  {"email", {"email", "e-mail"}},
  {"training records", {"training record", "training material",
                        "attendance record"}},
  {"vulnerability findings", {"vulnerability finding", "findings record",
                              "records of findings", "scan report"}},
  {"incident records", {"incident record", "incident report",
                        "incident ticket", "breach log"}},
  {"personal data", {"personal data", "personally identifiable"}},
  {"customer data", {"customer data"}},
}

-- The one subject of s from vocabulary, or nil when there is none or
-- more than one. A phrase inside a longer one of another subject ('log'
-- in 'audit log') does not count separately.
local function subject_of(s, vocabulary)
  local found, spans = nil, {}
  for _, entry in ipairs(vocabulary) do
    for _, p in ipairs(entry[2]) do
      local pos = 1
      while true do
        local a, b = s:find("%f[%w]" .. p:gsub("%-", "%%-"), pos)
        if not a then break end
        if not overlaps(spans, a, b) then
          spans[#spans + 1] = {a, b}
          if found and found ~= entry[1] then return nil end
          found = entry[1]
        end
        pos = b + 1
      end
    end
  end
  return found
end

local unit_days = {day = 1, week = 7, month = 365 / 12, year = 365}

-- Words allowed between 'for' and a retention quantity.
local retention_glue = {
  "", "at least ", "a minimum of ", "a period of ", "a period of at least ",
  "no less than ", "not less than ", "up to ", "a maximum of ",
  "no longer than ", "no more than ", "minimum ",
}

local function retention_lead(pre)
  if pre:match("retention period%s+of%s+$")
     or pre:match("retention period.-%sis%s+$")
     or pre:match("retention%s+period%s*:%s*$")
     or pre:match("retention%s*:%s*$") then
    return true
  end
  for _, g in ipairs(retention_glue) do
    if pre:sub(-(#g + 4)) == "for " .. g then return true end
  end
  return false
end

local retention_verbs = {"retain", "retention", "kept", "stored",
                         "preserved", "archived", "maintained"}

-- Retention periods: '<subject> ... retained for 90 days',
-- 'retention period of one year'. Each unit word is read with the word
-- before it as its quantity.
-- Words that make a period one storage tier ('90 days online, then
-- archived') rather than the retention period.
local tier_words = {"online", "in the environment", "hot storage",
                    "searchable", "immediately available",
                    "readily available", "then archived",
                    "before archiv", "before being archived"}

local tier_followers = {"beyond that", "after that", "after this",
                        "thereafter", "then "}

local function tiered(s, following)
  if mentions_any(s, tier_words) then return true end
  following = following and following:match("^%s*(.*)") or ""
  for _, f in ipairs(tier_followers) do
    if following:sub(1, #f) == f then return true end
  end
  return false
end

local function retentions(s, out, following)
  if not mentions_any(s, retention_verbs) or tiered(s, following) then
    return
  end
  for u, b in s:gmatch("%f[%a](%a+)()") do
    local unit = u:gsub("s$", "")
    if unit_days[unit] then
      local head = s:sub(1, b - #u - 1)
      local a, n = head:match("()%f[%w](%w+)[%s%-]+$")
      local v = n and number(n)
      local pre = v and s:sub(math.max(1, a - 40), a - 1):gsub("%s+", " ")
      if v and retention_lead(pre)
         and mentions_any(s:sub(1, a), retention_verbs) then
        out[#out + 1] = {param = "retention", at = a, len = b - a,
                         value = v * unit_days[unit]}
      end
    end
  end
end

local password_guards = {"chang", "modif", "differ", "previous", "history",
                         "reuse", "less than", "fewer than", "shorter",
                         "maximum", "pin ", "username", "user name"}

local function privileged(s)
  return mentions_any(s, {"privileged", "admin", "root", "service account"})
end

-- Minimum password length: 'at least 12 characters', 'minimum length of
-- 12 characters', 'a 15 character minimum'; only in a sentence about
-- passwords (or a section about them) with a minimum cue, and never in
-- one about changing or reusing passwords.
local function password_lengths(s, out, about_passwords)
  if not s:find("char", 1, true) then return end
  if not (about_passwords or s:find("password", 1, true)
          or s:find("passphrase", 1, true)) then
    return
  end
  if mentions_any(s, password_guards) then return end
  if not mentions_any(s, {"minimum", "at least", "length", "long",
                          "or more"}) then
    return
  end
  for a, n, b in s:gmatch("()%f[%w](%w+)[%s%-]*characters?%f[%W]()") do
    local v = number(n)
    if v and v > 1 then
      out[#out + 1] = {param = "password-length", at = a, len = b - a,
                       value = v}
    end
  end
end

local objective_glue = set_of{
  "of", "is", "are", "be", "must", "shall", "should", "will", "to", "at",
  "most", "within", "a", "an", "maximum", "max", "up", "no", "more",
  "than", "target", "objective", "objectives", "set", "rto", "rpo", "",
}

local time_units = {minute = 1, min = 1, hour = 60, hr = 60, day = 1440}

-- The time after an RTO/RPO keyword ending at e, when only glue words
-- come between: value in minutes, offset and length of the quantity.
local function objective_value(s, e)
  local rest = s:sub(e + 1, e + 60)
  local words = {}
  for p, w in rest:gmatch("()(%S+)") do words[#words + 1] = {p, w} end
  for i, pw in ipairs(words) do
    local w = pw[2]:gsub("^[%(%[]+", ""):gsub("[%):,;%.%]]+$", "")
    local n = number(w)
    if n and w ~= "a" and w ~= "an" and words[i + 1] then
      local u = words[i + 1][2]:gsub("[^%a]+$", ""):gsub("s$", "")
      if time_units[u] then
        local unit = words[i + 1][2]:match("^[%a]+")
        local a = e + pw[1]
        local b = e + words[i + 1][1] + #unit
        return n * time_units[u], a, b - a
      end
      return nil
    end
    if not objective_glue[w:gsub("[:=%-]", "")] then return nil end
  end
  return nil
end

local objectives = {
  {"rto", {"%f[%w]rto%f[%W]", "recovery time objective"}},
  {"rpo", {"%f[%w]rpo%f[%W]", "recovery point objective"}},
}

-- Recovery objectives: 'RTO of 4 hours', 'Recovery Point Objective: 8
-- hours'. A tier ('RTO for critical systems') is not read.
local function recovery_objectives(s, out)
  if not mentions_any(s, {"rto", "rpo", "recovery"}) then return end
  for _, o in ipairs(objectives) do
    for _, p in ipairs(o[2]) do
      local pos = 1
      while true do
        local a, e = s:find(p, pos)
        if not a then break end
        local v, at, len = objective_value(s, e)
        if v then
          out[#out + 1] = {param = o[1], at = at, len = len, value = v}
        end
        pos = e + 1
      end
    end
  end
end

-- The parameters that the lowercase sentence s states: retention
-- periods (value in days), minimum password lengths (characters) and
-- RTO/RPO (minutes). Each is {param=, subject=, value=, at=, len=}, at
-- and len locating the quantity in s. A sentence that gives two
-- different values for one parameter states none. opts (optional):
-- passwords = true when the text around s is about passwords,
-- following = the next sentence (a retention period that it qualifies,
-- 'Beyond that, logs are archived', is a storage tier and not read).
function M.parameters(s, opts)
  opts = opts or {}
  local raw = {}
  retentions(s, raw, opts.following)
  password_lengths(s, raw, opts.passwords)
  recovery_objectives(s, raw)
  local out, seen = {}, {}
  for _, p in ipairs(raw) do
    if p.param == "retention" then
      p.subject = subject_of(s, retention_subjects)
    elseif p.param == "password-length" then
      p.subject = privileged(s) and "privileged passwords" or "passwords"
    else
      p.subject = p.param
    end
    if p.subject then
      local key = p.param .. "\0" .. p.subject
      local prev = seen[key]
      if prev == nil then
        seen[key] = p
        out[#out + 1] = p
      elseif prev and prev.value ~= p.value then
        seen[key] = false
      end
    end
  end
  local keep = {}
  for _, p in ipairs(out) do
    if seen[p.param .. "\0" .. p.subject] then keep[#keep + 1] = p end
  end
  return keep
end

-- Two parameter values agree when they are within 5% of each other
-- ('90 days' and 'three months', '12 months' and 'one year').
function M.same_value(a, b)
  return math.abs(a - b) <= 0.05 * math.max(math.abs(a), math.abs(b))
end

-- ---- shingles ----

local MIX = 0x100000001B3

-- MIX^(k-1), wrapping, per shingle size.
local mix_powers = {}

local function mix_power(k)
  local p = mix_powers[k]
  if not p then
    p = 1
    for _ = 2, k do p = p * MIX end
    mix_powers[k] = p
  end
  return p
end

-- Calls emit(h) for each hashed k-word shingle of text: each word
-- becomes an integer through vocab ({ids = {}, n = 0}, shared by all the
-- texts compared), and k consecutive word ids hash to one integer with a
-- rolling polynomial hash (wrapping 64-bit arithmetic). Words are
-- lowercase runs of letters and digits.
function M.each_shingle(text, k, vocab, emit)
  local ring, n, wid, h = {}, 0, vocab.ids, 0
  local top = mix_power(k)
  for w in text:lower():gmatch("%w+") do
    local id = wid[w]
    if not id then
      id = vocab.n + 1
      vocab.n = id
      wid[w] = id
    end
    n = n + 1
    local slot = n % k
    if n > k then h = h - ring[slot] * top end
    h = h * MIX + id
    ring[slot] = id
    if n >= k then emit(h) end
  end
end

-- Appends to out the hashed k-word shingles of text (see each_shingle).
function M.shingles(text, k, vocab, out)
  M.each_shingle(text, k, vocab, function(h) out[#out + 1] = h end)
  return out
end

-- ---- expectations with the configuration applied ----

local applied = setmetatable({}, {__mode = "k"})

local function lower_list(v)
  if type(v) == "string" then v = {v} end
  if type(v) ~= "table" then return nil end
  local out = {}
  for _, p in ipairs(v) do
    if type(p) == "string" then out[#out + 1] = p:lower() end
  end
  return out
end

-- One configuration entry in the form the catalogue takes, or nil and
-- the reason it cannot be used.
local function config_entry(item)
  if type(item) ~= "table" or type(item.requirement) ~= "string" then
    return nil, "an expectation needs 'requirement' written framework:id"
  end
  local raw_fw, raw_id = item.requirement:match("^(.+):([^:]+)$")
  local fw = raw_fw and ids.framework(raw_fw)
  if not fw then
    return nil, ("cannot read '%s' as framework:id with a known "
      .. "framework"):format(item.requirement)
  end
  local id, why = ids.canonical(fw, raw_id)
  if not id then return nil, why end
  local f = freq.parse(item.frequency)
  if not f then
    return nil, ("cannot read '%s' as a frequency")
      :format(tostring(item.frequency))
  end
  return {requirement = fw .. ":" .. id, frequency = f,
          rationale = type(item.rationale) == "string" and item.rationale
            or nil,
          activity = lower_list(item.activity)}
end

-- Applies the configuration's 'expectations' to ctx.catalog, once per
-- catalogue, with requirement keys and frequencies made canonical.
-- Returns {problems = {{index=, message=}}, config = {[requirement] =
-- index of the configuration entry}}; index counts entries of
-- ctx.config.expectations.
function M.apply_expectations(ctx)
  local cat = ctx.catalog
  local done = applied[cat]
  if done then return done end
  local list, where, problems, config = {}, {}, {}, {}
  local items = ctx.config and ctx.config.expectations
  for i, item in ipairs(type(items) == "table" and items or {}) do
    local e, why = config_entry(item)
    if e then
      list[#list + 1] = e
      where[#list] = i
      config[e.requirement] = config[e.requirement] or i
    else
      problems[#problems + 1] = {index = i, message = why}
    end
  end
  if cat and cat.override_expectations then
    for _, p in ipairs(cat:override_expectations(list)) do
      problems[#problems + 1] = {index = where[p.index], message = p.message}
    end
  end
  table.sort(problems, function(a, b) return a.index < b.index end)
  done = {problems = problems, config = config}
  applied[cat or M] = done
  return done
end

return M
