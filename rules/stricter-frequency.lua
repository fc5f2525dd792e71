-- stricter-frequency: a control runs less often than a requirement it
-- implements expects, or than a policy it links states for its activity.
-- Where two frameworks or two documents set different frequencies for
-- the same activity, the stricter one is the default: one piece of
-- evidence then satisfies both auditors.
--
-- An expectation (policies/expectations.yml, with the configuration's
-- 'expectations' applied) applies to a control when:
-- - the control maps to one of its requirements and its title or
--   description contains one of the expectation's activity phrases;
-- - or the control maps to a requirement that is the crosswalk
--   counterpart (one hop, never transitively) of one it maps to, and
--   the activity phrases match as above;
-- - or, when the control names no activity at all, every requirement it
--   maps to has this one expectation and no other, its frequency is
--   periodic and its text has no event cue (provisioning, onboarding,
--   revocation ...): the only recurring activity it can be is that one.
-- A linked policy in force adds the cadence it states for the control's
-- activity: a sentence with one periodic cadence ('reviewed every
-- quarter', 'quarterly access reviews', 'at least annually') that holds
-- an activity phrase of an applying expectation, or every content word
-- of the control's title. A policy's own review_frequency is about the
-- document, not its controls.
--
-- Continuous satisfies everything. An event-driven control does not meet
-- a periodic expectation (reported without a fix); a periodic control is
-- not compared with an event-driven expectation.

local freq = require("auditlint.freq")
local ids = require("auditlint.ids")
local text = require("auditlint.text")

local EMPTY = {}

-- ---- names ----

local fw_names = {
  soc2 = "SOC 2", iso27001 = "ISO 27001", iso27002 = "ISO 27001",
  ["iso27001:2013"] = "ISO 27001:2013", ["nist-csf"] = "NIST CSF",
  ["nist-800-53"] = "NIST SP 800-53",
}

local function display(fw, id)
  local name = fw_names[fw] or fw
  if fw:match("^iso27001") and not id:match("^A%.") then
    return name .. " clause " .. id
  end
  return name .. " " .. id
end

local function rec_display(rec)
  return display(rec.framework, rec.id)
end

local function activity_name(rec)
  if rec.name == "custom" then
    return rec.activity and rec.activity[1] or "the configured activity"
  end
  return (rec.title or rec.name or "its activity"):lower()
end

-- ISO 27002 ids are the Annex A controls of ISO 27001.
local canonical_fw = {iso27002 = "iso27001"}

-- Words in a control's text that mark a task done on an event, not a
-- recurring one.
local event_cues = {
  "provision", "onboard", "offboard", "joiner", "leaver", "termination",
  "new hire", "revok", "revoc", "on request", "upon request",
}

-- The first whole word of a phrase ('access' of 'access review'), or
-- nil for a one-word phrase, which may be a stem ('recertif').
local function gate_word(phrase)
  local w, after = phrase:match("^(%w+)(.?)")
  if w and (after == " " or after == "-") then return w end
  return nil
end

-- Phrases by their first word, so that a control's text is only
-- searched for phrases whose first word it holds: {word -> {{list=,
-- phrase=}}} and the ungated ones.
local function phrase_index(lists)
  local by_word, always = {}, {}
  for _, list in ipairs(lists) do
    for _, p in ipairs(list) do
      local g = gate_word(p)
      local e = {list = list, phrase = p}
      if g then
        by_word[g] = by_word[g] or {}
        table.insert(by_word[g], e)
      else
        always[#always + 1] = e
      end
    end
  end
  return {by_word = by_word, always = always}
end

-- ---- the catalogue, cached per run ----

local function new_lookup(cat)
  local exp, xw = {}, {}
  local lk = {}
  local function cached(store, fw, id, fetch)
    local t = store[fw]
    if not t then
      t = {}
      store[fw] = t
    end
    local v = t[id]
    if v == nil then
      v = fetch(fw, id)
      t[id] = v
    end
    return v
  end
  local function fetch_exp(fw, id) return cat:expectations(fw, id) end
  function lk.expectations(fw, id)
    return cached(exp, fw, id, fetch_exp)
  end
  -- The expectations of a requirement's crosswalk counterparts:
  -- {{rec=, fw=}} with fw the counterpart's framework.
  local function fetch_xw(fw, id)
    local out = {}
    for _, cp in ipairs(cat:crosswalk(fw, id)) do
      for _, rec in ipairs(lk.expectations(cp.framework, cp.id)) do
        out[#out + 1] = {rec = rec, fw = cp.framework}
      end
    end
    return out
  end
  function lk.crosswalk(fw, id)
    return cached(xw, fw, id, fetch_xw)
  end
  -- The distinct activity lists, so a control's text is tested once
  -- against each.
  local seen, lists = {}, {}
  for _, rec in ipairs(cat:all_expectations()) do
    local a = rec.activity
    if type(a) == "table" and #a > 0 and not seen[a] then
      seen[a] = true
      lists[#lists + 1] = a
    end
  end
  lk.activity_lists = lists
  lk.phrases = phrase_index(lists)
  return lk
end

-- ---- controls ----

local function lower_field(c, f)
  local v = c[f]
  if type(v) ~= "string" then return "" end
  v = v:lower()
  if v:find("%s%s") or v:find("[\t\n\r]") then v = text.squeeze(v) end
  return v
end

-- A control as the checks read it: lowercase title and description;
-- control_words adds the content words of its title when first needed.
local function control_view(c)
  return {title = lower_field(c, "title"),
          desc = lower_field(c, "description")}
end

-- Content words by title: many controls share a title pattern.
local title_cache = {}
local CONTROL_WORD = {control = true}

local function control_words(cv)
  if not cv.word_list then
    local w = title_cache[cv.title]
    if not w then
      w = text.content_words(cv.title, CONTROL_WORD)
      title_cache[cv.title] = w
    end
    cv.word_list = w
    cv.word_set = {}
    for _, w in ipairs(cv.word_list) do cv.word_set[w] = true end
  end
  return cv.word_list, cv.word_set
end

local phrase_words = {}

local function shares_word(cv, phrase)
  local _, set = control_words(cv)
  phrase_words[phrase] = phrase_words[phrase] or text.content_words(phrase)
  for _, w in ipairs(phrase_words[phrase]) do
    if set[w] then return true end
  end
  return false
end

local function try_phrase(cv, e, m)
  if m[e.list] then return true end
  if cv.title:find(e.phrase, 1, true) then
    m[e.list] = true
    return true
  end
  if cv.desc:find(e.phrase, 1, true) then
    if cv.title == "" or shares_word(cv, e.phrase) then m[e.list] = true end
    return true
  end
  return false
end

-- The activity lists (by table) that the control is about: a phrase in
-- its title, or in its description when the title shares a word with
-- the phrase (a description that says 'as part of vulnerability
-- management' does not make a patching control a scan). Only phrases
-- whose first word the text holds are looked for. Second result:
-- whether any phrase appears anywhere in its text.
local function matched_lists(lk, cv)
  local m, any, idx = {}, false, lk.phrases
  for _, e in ipairs(idx.always) do
    any = try_phrase(cv, e, m) or any
  end
  for _, part in ipairs{cv.title, cv.desc} do
    for w in part:gmatch("%w+") do
      for _, e in ipairs(idx.by_word[w] or EMPTY) do
        any = try_phrase(cv, e, m) or any
      end
    end
  end
  return m, any
end

-- The requirements a control maps to, in a stable order: {fw=, id=,
-- list=, i=} (list[i] is where it is written), plus the 2022 successors
-- of ISO 27001:2013 ids with from2013 set.
local function requirements(c, cat)
  local out = {}
  if type(c.maps) ~= "table" then return out end
  local keys = {}
  for k in pairs(c.maps) do
    if type(k) == "string" then keys[#keys + 1] = k end
  end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local list, fw = c.maps[k], ids.framework(k) or k
    if type(list) == "table" then
      for i, id in ipairs(list) do
        if type(id) == "string" then
          out[#out + 1] = {fw = fw, id = id, list = list, i = i}
          if fw == "iso27001:2013" then
            for _, s in ipairs(cat:successors(id)) do
              out[#out + 1] = {fw = "iso27001", id = s, list = list, i = i,
                               from2013 = id}
            end
          end
        end
      end
    end
  end
  return out
end

local function add_source(st, src)
  if src.rec then
    if st.seen[src.rec] then return end
    st.seen[src.rec] = true
  end
  st.sources[#st.sources + 1] = src
end

local function direct_sources(st, lk, reqs, matched)
  for _, r in ipairs(reqs) do
    for _, rec in ipairs(lk.expectations(r.fw, r.id)) do
      if matched[rec.activity] then
        add_source(st, {rec = rec, how = "activity", req = r})
      end
    end
  end
end

-- The fallback of a control that names no activity: every requirement
-- it maps to has exactly one expectation, the same one.
local function single_sources(st, lk, reqs, cv)
  if #reqs == 0 or text.find_phrase(cv.title, event_cues)
     or text.find_phrase(cv.desc, event_cues) then
    return
  end
  local name
  for _, r in ipairs(reqs) do
    local recs = lk.expectations(r.fw, r.id)
    if #recs ~= 1 or (name and recs[1].name ~= name) then return end
    name = recs[1].name
  end
  for _, r in ipairs(reqs) do
    add_source(st, {rec = lk.expectations(r.fw, r.id)[1], how = "single",
                    req = r, count = #reqs})
  end
end

-- Counterparts only in frameworks the control does not map to itself:
-- a control mapped to both sides already says which requirements it
-- meets, and the configuration may have relaxed exactly those.
local function crosswalk_sources(st, lk, reqs, matched)
  local own = {}
  for _, r in ipairs(reqs) do own[canonical_fw[r.fw] or r.fw] = true end
  for _, r in ipairs(reqs) do
    for _, x in ipairs(lk.crosswalk(r.fw, r.id)) do
      if matched[x.rec.activity] and not own[canonical_fw[x.fw] or x.fw]
      then
        add_source(st, {rec = x.rec, how = "crosswalk", req = r})
      end
    end
  end
end

-- ---- linked policies ----

-- Every name a control may use for a document in force: id, title,
-- path with and without extension, file name, an index page's folder.
local function document_index(repo)
  local idx = {}
  local function add(name, doc)
    if type(name) == "string" and name ~= "" and idx[name] == nil then
      idx[name] = doc
    end
  end
  for _, doc in ipairs(repo.documents or {}) do
    if text.in_force(doc) then
      local stem = text.strip_ext(doc.path)
      add(doc.id, doc)
      add(doc.title, doc)
      add(doc.path, doc)
      add(stem, doc)
      add(stem:match("([^/]+)$"), doc)
      local base = stem:match("([^/]+)$"):lower()
      if base == "index" or base == "_index" or base == "readme" then
        add(stem:match("^(.*)/[^/]+$"), doc)
      end
    end
  end
  return idx
end

-- ref read relative to the folder of the file at here.
local function relative(ref, here)
  if not ref:find("/", 1, true) then return nil end
  local dir = here and here:match("^(.*)/[^/]+$")
  return text.clean_path(dir and (dir .. "/" .. ref) or ref)
end

local function linked_documents(c, idx)
  local out, seen = {}, {}
  if type(c.policies) ~= "table" then return out end
  for _, ref in ipairs(c.policies) do
    if type(ref) == "string" then
      local doc = idx[ref] or idx[relative(ref, c.path) or ""]
      if doc and not seen[doc] then
        seen[doc] = true
        out[#out + 1] = doc
      end
    end
  end
  return out
end

local function stems_of(cs)
  if not cs.stems then
    cs.stems = {}
    for _, w in ipairs(text.content_words(cs.text)) do cs.stems[w] = true end
  end
  return cs.stems
end

-- The activity lists a policy sentence holds a phrase of (cached on the
-- sentence, which is cached per section).
local function lists_of(cs, lk)
  if not cs.lists then
    cs.lists = {}
    for _, list in ipairs(lk.activity_lists) do
      local p, x = text.phrase_near(cs.text, list, cs.cad_first,
                                    cs.cad_last, text.near_words)
      if p then cs.lists[list] = text.qualifier(cs.text, x, cs.cad_last)
        or true end
    end
  end
  return cs.lists
end

local function title_matches(cs, words)
  if not words then return false end
  local stems = stems_of(cs)
  for _, w in ipairs(words) do
    if not stems[w] then return false end
  end
  return true
end

-- A sentence narrowed to a regime ('HIPAA awareness training') speaks
-- for a control only when the control's title names that regime too.
local function about_activity(cs, lk, lists, cv)
  local have = lists_of(cs, lk)
  for list in pairs(lists) do
    local q = have[list]
    if q == true or (q and cv.title:find(q, 1, true)) then return true end
  end
  return false
end

-- The content words of a control's title when there are two to six.
local function title_words(cv)
  local words = control_words(cv)
  if #words < 2 or #words > 6 then return nil end
  return words
end

-- The cadence sentences of a document, with their sections (cached).
local doc_cadences = setmetatable({}, {__mode = "k"})

local function cadences_of(doc)
  local list = doc_cadences[doc]
  if not list then
    list = {}
    for _, sec in ipairs(doc.sections or EMPTY) do
      for _, cs in ipairs(text.cadence_sentences(sec)) do
        list[#list + 1] = {sec = sec, cs = cs}
      end
    end
    doc_cadences[doc] = list
  end
  return list
end

local function policy_sources(st, lk, docs, cv)
  local lists = {}
  for _, src in ipairs(st.sources) do
    if type(src.rec.activity) == "table" then lists[src.rec.activity] = true end
  end
  local words
  for _, doc in ipairs(docs) do
    for _, x in ipairs(cadences_of(doc)) do
      words = words or title_words(cv) or false
      if about_activity(x.cs, lk, lists, cv)
         or title_matches(x.cs, words) then
        st.sources[#st.sources + 1] = {how = "policy", doc = doc,
          section = x.sec, cs = x.cs, freq = x.cs.freq}
      end
    end
  end
end

-- ---- comparing ----

local function src_freq(src)
  return src.freq or freq.parse(src.rec.frequency)
end

local function periodic(f)
  return f ~= nil and f ~= "event-driven"
end

-- The strictest periodic frequency among the sources, or nil.
local function strictest(sources)
  local best
  for _, s in ipairs(sources) do
    local f = src_freq(s)
    if periodic(f) and (not best or freq.compare(f, best) < 0) then
      best = f
    end
  end
  return best
end

local how_rank = {activity = 1, single = 2, crosswalk = 3, policy = 4}

-- Sources at the required frequency, the one to name first: set in the
-- configuration, then matched by activity, fallback, crosswalk, policy.
local function at_required(sources, required)
  local out = {}
  for _, s in ipairs(sources) do
    if src_freq(s) == required then out[#out + 1] = s end
  end
  local function rank(s)
    local r = how_rank[s.how]
    if s.rec and s.rec.source == "config" then r = 0 end
    return r
  end
  local pos = {}
  for i, s in ipairs(out) do pos[s] = i end
  table.sort(out, function(a, b)
    if rank(a) ~= rank(b) then return rank(a) < rank(b) end
    return pos[a] < pos[b]
  end)
  return out
end

local function source_phrase(src, required)
  if src.how == "policy" then
    return ("its policy '%s' states '%s' for it"):format(src.doc.path,
                                                       required)
  end
  local rec = src.rec
  local who = rec_display(rec)
  if src.how == "crosswalk" then
    who = ("%s, the crosswalk counterpart of %s,"):format(who,
      display(src.req.fw, src.req.id))
  elseif src.req and src.req.from2013 then
    who = ("%s (the 2022 successor of %s)"):format(who, src.req.from2013)
  end
  local extra = rec.source == "config" and ", set in the configuration"
    or ""
  return ("%s expects '%s' (%s%s)"):format(who, required,
                                          activity_name(rec), extra)
end

local function advice(src, control_freq, required)
  if control_freq == "event-driven" then
    return ("an event-driven control does not meet a periodic "
      .. "expectation: add a '%s' run to it"):format(required)
  end
  if src.how == "single" then
    return ("it maps only to requirements with this one recurring "
      .. "activity; set it to '%s', or name what the control does in "
      .. "its title if it is something else"):format(required)
  end
  return ("set it to '%s': the stricter frequency satisfies both")
    :format(required)
end

local function related_for(ctx, src, applied)
  if src.how == "policy" then
    return {at = src.section, offset = src.cs.at, length = src.cs.len,
            message = ("'%s' states '%s' here"):format(src.doc.path,
                                                        src.cs.freq)}
  end
  local rec = src.rec
  local idx = rec.source == "config" and applied.config[rec.requirement]
  local items = ctx.config and ctx.config.expectations
  if idx and type(items) == "table" and type(items[idx]) == "table" then
    return {at = items[idx], key = "frequency",
            message = ("the configuration expects '%s' for '%s' here")
              :format(rec.frequency, rec.requirement)}
  end
  local r = src.req
  local name = r.from2013 and display("iso27001:2013", r.from2013)
    or display(r.fw, r.id)
  return {at = r.list, key = r.i,
          message = ("the control maps to %s here"):format(name)}
end

local function frameworks_of(sources, control_freq)
  local set, out = {}, {}
  for _, s in ipairs(sources) do
    local f = src_freq(s)
    if s.rec and periodic(f) and (control_freq == "event-driven"
       or freq.compare(control_freq, f) > 0) then
      if not set[s.rec.requirement] then
        set[s.rec.requirement] = true
        out[#out + 1] = s.rec.requirement
      end
    end
  end
  table.sort(out)
  return out
end

-- The core keeps the value's quoting (a JSON string stays quoted).
local function fixable(c, control_freq)
  return control_freq ~= "event-driven"
end

-- Up to four related locations, one per place.
local function related_list(ctx, srcs, applied)
  local out, seen = {}, {}
  for _, src in ipairs(srcs) do
    local r = related_for(ctx, src, applied)
    local file, line, col = ctx.where(r.at, r.key)
    local key = ("%s:%s:%s:%s"):format(tostring(file), tostring(line),
                                       tostring(col), r.offset or 0)
    if not seen[key] and #out < 4 then
      seen[key] = true
      out[#out + 1] = r
    end
  end
  return out
end

-- 'SOC 2 CC6.2 and ISO 27001 A.5.18': the requirements that expect the
-- same activity as the first source, when it was matched directly.
local function also_expecting(srcs)
  local first = srcs[1]
  if not first.rec or first.how == "crosswalk" or first.req.from2013 then
    return nil
  end
  local names, seen = {}, {}
  for _, s in ipairs(srcs) do
    if s.rec and s.rec.name == first.rec.name
       and (s.how == "activity" or s.how == "single")
       and not s.req.from2013 and not seen[s.rec.requirement] then
      seen[s.rec.requirement] = true
      names[#names + 1] = rec_display(s.rec)
    end
  end
  if #names < 2 then return nil end
  if #names > 3 then
    return ("%s, %s and %d more"):format(names[1], names[2], #names - 2)
  end
  return table.concat(names, ", ", 1, #names - 1) .. " and " .. names[#names]
end

local function who(c)
  if type(c.id) == "string" and c.id ~= "" then
    return ("control '%s'"):format(c.id)
  end
  return "a control without an id"
end

-- The fingerprint key: the control's id, else where it is.
local function subject_of(ctx, c)
  if type(c.id) == "string" and c.id ~= "" then return c.id end
  local file, line = ctx.where(c)
  return ("%s:%s"):format(tostring(file), tostring(line))
end

local function report_laxer(ctx, c, st, required, applied)
  local f = c.frequency
  local srcs = at_required(st.sources, required)
  local first = srcs[1]
  local phrase = source_phrase(first, required)
  local several = also_expecting(srcs)
  if several then
    phrase = ("%s expect '%s' (%s)"):format(several, required,
      activity_name(first.rec))
  end
  ctx.report{
    at = c, key = "frequency",
    message = ("%s runs '%s' but %s; %s"):format(
      who(c), f, phrase, advice(first, f, required)),
    related = related_list(ctx, srcs, applied),
    frameworks = frameworks_of(st.sources, f),
    subject = subject_of(ctx, c),
    fix = fixable(c, f) and {replace = required} or nil,
  }
end

local function laxer(control_freq, required)
  if not required or control_freq == "continuous" then return false end
  if control_freq == "event-driven" then return true end
  return freq.compare(control_freq, required) > 0
end

-- ---- peers: controls doing the same activity for one requirement ----

-- One group per expectation record (a requirement and an activity).
local function add_peer(groups, order, src, c)
  if src.how ~= "activity" then return end
  local g = groups[src.rec]
  if not g then
    g = {rec = src.rec, controls = {}}
    groups[src.rec] = g
    order[#order + 1] = g
  end
  g.controls[#g.controls + 1] = c
end

local function strictest_peer(g)
  local best
  for _, c in ipairs(g.controls) do
    if periodic(c.frequency) and (not best
       or freq.compare(c.frequency, best.frequency) < 0) then
      best = c
    end
  end
  return best
end

local function check_peers(ctx, order, reported)
  local notes, noted = {}, {}
  for _, g in ipairs(order) do
    local best = strictest_peer(g)
    for _, c in ipairs(best and g.controls or {}) do
      if c ~= best and periodic(c.frequency) and not reported[c]
         and freq.compare(c.frequency, best.frequency) > 0
         and (not noted[c] or freq.compare(best.frequency,
                                           noted[c].best.frequency) < 0)
      then
        if not noted[c] then notes[#notes + 1] = c end
        noted[c] = {best = best, rec = g.rec}
      end
    end
  end
  for _, c in ipairs(notes) do
    local n = noted[c]
    ctx.report{
      at = c, key = "frequency", severity = "note",
      message = ("%s runs '%s' but %s, which also does %s for %s, runs "
        .. "'%s'; align the two so that one piece of evidence serves "
        .. "both, or merge them"):format(who(c), c.frequency,
        who(n.best), activity_name(n.rec), rec_display(n.rec),
        n.best.frequency),
      related = {{at = n.best, key = "frequency",
                  message = ("%s runs '%s' here")
                    :format(who(n.best), n.best.frequency)}},
      frameworks = {n.rec.requirement},
      subject = subject_of(ctx, c) .. ":peer",
    }
  end
end

-- ---- the configuration ----

local function report_config_problems(ctx, applied)
  local items = ctx.config and ctx.config.expectations
  for _, p in ipairs(applied.problems) do
    local item = type(items) == "table" and items[p.index]
    if type(item) == "table" then
      ctx.report{
        at = item, key = item.requirement ~= nil and "requirement" or nil,
        message = ("configuration expectation %d cannot be used as "
          .. "written: %s; correct it"):format(p.index, p.message),
        subject = "config:" .. p.index,
      }
    end
  end
end

-- ---- the check ----

local function sources_of(c, lk, opts, docidx, cat)
  local st = {sources = {}, seen = {}}
  local cv = control_view(c)
  local matched, any = matched_lists(lk, cv)
  local reqs = requirements(c, cat)
  direct_sources(st, lk, reqs, matched)
  if opts.infer_activity and not any and periodic(c.frequency) then
    single_sources(st, lk, reqs, cv)
  end
  if opts.crosswalk then crosswalk_sources(st, lk, reqs, matched) end
  if opts.policy_text then
    policy_sources(st, lk, linked_documents(c, docidx), cv)
  end
  return st
end

local function check(repo, ctx)
  local applied = text.apply_expectations(ctx)
  report_config_problems(ctx, applied)
  local opts = ctx.options or {}
  local lk = new_lookup(ctx.catalog)
  local docidx = opts.policy_text and document_index(repo) or {}
  local groups, order, reported, done = {}, {}, {}, {}
  for _, c in ipairs(repo.controls or {}) do
    if not done[c] and c.status ~= "not-applicable"
       and type(c.frequency) == "string" and freq.parse(c.frequency) then
      done[c] = true
      local st = sources_of(c, lk, opts, docidx, ctx.catalog)
      local required = strictest(st.sources)
      if laxer(c.frequency, required) then
        report_laxer(ctx, c, st, required, applied)
        reported[c] = true
      end
      for _, src in ipairs(st.sources) do add_peer(groups, order, src, c) end
    end
  end
  if opts.peers then check_peers(ctx, order, reported) end
end

return {
  id = "stricter-frequency",
  severity = "warning",
  summary = "a control runs less often than a requirement it implements "
    .. "or a policy it links expects",
  frameworks = {"soc2", "iso27001"},
  options = {
    policy_text = true,
    crosswalk = true,
    infer_activity = true,
    peers = true,
  },
  check = check,
}
