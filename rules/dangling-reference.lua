-- dangling-reference: an id list names something the repository does
-- not define: a control's policies, evidence and systems, a risk's or an
-- evidence record's controls, an SoA entry's implementing controls, a
-- document's superseded documents and procedures, what a catalogue
-- requirement is mapped to, and the file a declaration names. Ids are
-- compared exactly; a near miss (case, spacing, a typo, an extra word)
-- is reported with the closest existing id.

local ids = require("auditlint.ids")
local text = require("auditlint.text")

-- ---- suggestions ----

-- Two rows reused by every call: a lookup may compare hundreds of ids,
-- and a fresh table per row would be most of its cost.
local row_a, row_b = {}, {}

-- Edit distance of a and b, or limit + 1 as soon as it exceeds limit.
local function levenshtein(a, b, limit)
  if math.abs(#a - #b) > limit then return limit + 1 end
  local prev, cur = row_a, row_b
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    cur[0] = i
    local best, ca = i, a:byte(i)
    for j = 1, #b do
      local v = prev[j - 1] + ((ca == b:byte(j)) and 0 or 1)
      if prev[j] + 1 < v then v = prev[j] + 1 end
      if cur[j - 1] + 1 < v then v = cur[j - 1] + 1 end
      cur[j] = v
      if v < best then best = v end
    end
    if best > limit then return limit + 1 end
    prev, cur = cur, prev
  end
  return prev[#b]
end

local function squash(s)
  return (s:lower():gsub("[^%w]", ""))
end

local function tokens(s)
  local t, n = {}, 0
  for w in s:lower():gmatch("%w+") do
    if not t[w] then t[w], n = true, n + 1 end
  end
  return t, n
end

local function subset(a, b)
  for w in pairs(a) do
    if not b[w] then return false end
  end
  return true
end

-- 'AC-8' for 'AC-7' or 'EV-9' for 'EV-1' is another object, not a typo:
-- when two ids differ only in their numbers, neither is suggested for the
-- other ('HR-03' still finds 'HR-3': the numbers are equal).
local function numbers_differ(a, b)
  if a:gsub("%d+", "#") ~= b:gsub("%d+", "#") then return false end
  local na, nb = {}, {}
  for n in a:gmatch("%d+") do na[#na + 1] = tonumber(n) end
  for n in b:gmatch("%d+") do nb[#nb + 1] = tonumber(n) end
  for i = 1, #na do
    if na[i] ~= nb[i] then return true end
  end
  return false
end

local function acceptable(name, ref, exclude)
  return name ~= exclude and not numbers_differ(name, ref)
end

-- Candidates come from the neighbourhood of the reference in two sorted
-- lists, of the ids and of the ids spelt backwards (a typo late in an id
-- keeps it near in the first, one early in the second), and from the
-- ids that share a word with it. WINDOW bounds each neighbourhood;
-- SCAN_TOTAL bounds the whole check, so that a repository of 100,000
-- misses stays linear: past it, misses are reported without a hint.
local WINDOW = 6
local SCAN_TOTAL = 20000

local function lower_bound(list, x)
  local lo, hi = 1, #list + 1
  while lo < hi do
    local mid = (lo + hi) // 2
    if list[mid] < x then lo = mid + 1 else hi = mid end
  end
  return lo
end

-- A suggester over a sorted list of existing ids; budget is shared by
-- every suggester of one check.
local function new_suggester(names, budget)
  local s = {names = names, squashed = {}, backwards = {}, by_token = {},
             words = {}, cache = {}, budget = budget}
  for i, name in ipairs(names) do
    local q = squash(name)
    if q ~= "" and not s.squashed[q] then s.squashed[q] = name end
    s.backwards[i] = name:reverse()
    for w in name:lower():gmatch("%w+") do
      local list = s.by_token[w] or {}
      if list[#list] ~= name then list[#list + 1] = name end
      s.by_token[w] = list
    end
  end
  table.sort(s.backwards)
  return s
end

local function words_of(s, name)
  local w = s.words[name]
  if not w then
    local set, n = tokens(name)
    w = {set = set, n = n}
    s.words[name] = w
  end
  return w.set, w.n
end

-- Calls visit(name) for the ids near key in list, while the budget
-- lasts; reverse: list holds reversed ids.
local function near(s, list, key, reverse, visit)
  local at = lower_bound(list, key)
  for i = math.max(1, at - WINDOW), math.min(#list, at + WINDOW - 1) do
    if s.budget.left <= 0 then return end
    s.budget.left = s.budget.left - 1
    visit(reverse and list[i]:reverse() or list[i])
  end
end

-- A typo: the nearest id within a quarter of the length.
local function by_distance(s, ref, exclude)
  local limit = math.max(1, #ref // 4)
  local best, dist = nil, limit + 1
  local function visit(name)
    local d = levenshtein(ref, name, dist)
    if (d < dist or (d == dist and best and name < best))
       and acceptable(name, ref, exclude) then
      best, dist = name, d
    end
  end
  near(s, s.names, ref, false, visit)
  near(s, s.backwards, ref:reverse(), true, visit)
  return best, dist
end

-- An extra or missing word: 'cp-employee-sanctions' for 'cp-sanctions'.
-- The candidate shares at least two words with the reference, and one
-- holds all the words of the other; the rarest words are tried first.
local function by_words(s, ref, exclude)
  local rt, rn = tokens(ref)
  if rn < 2 then return nil end
  local lists = {}
  for w in pairs(rt) do lists[#lists + 1] = s.by_token[w] or {} end
  table.sort(lists, function(a, b)
    if #a ~= #b then return #a < #b end
    return (a[1] or "") < (b[1] or "")
  end)
  local best, best_n = nil, 0
  for _, list in ipairs(lists) do
    for i = 1, math.min(#list, 2 * WINDOW) do
      if s.budget.left <= 0 then return best end
      s.budget.left = s.budget.left - 1
      local name = list[i]
      local nt, nn = words_of(s, name)
      if nn >= 2 and (nn > best_n or (nn == best_n and name < best))
         and (subset(nt, rt) or subset(rt, nt))
         and acceptable(name, ref, exclude) then
        best, best_n = name, nn
      end
    end
  end
  return best
end

-- A small typo wins; past two edits, an extra or missing word is the
-- likelier slip ('cp-employee-sanctions' is 'cp-sanctions', not
-- 'cp-employee-escalation').
local function closest(s, ref, exclude)
  local same = s.squashed[squash(ref)]
  if same and same ~= exclude then return same end
  local near_id, dist = by_distance(s, ref, exclude)
  if near_id and dist <= 2 then return near_id end
  return by_words(s, ref, exclude) or near_id
end

-- The closest existing id to ref, never exclude (the referring object's
-- own id: a document does not supersede itself). The answer for a ref is
-- remembered, as one missing id is often named many times.
local function suggest(s, ref, exclude)
  local hit = s.cache[ref]
  if hit == nil then
    hit = closest(s, ref) or false
    s.cache[ref] = hit
  end
  if hit and hit == exclude then return closest(s, ref, exclude) end
  return hit or nil
end

-- ---- targets: what a reference may name ----

local function sorted(set)
  local list = {}
  for k in pairs(set) do list[#list + 1] = k end
  table.sort(list)
  return list
end

local function strip_ext(path)
  return (path:gsub("%.md%.tmpl$", ""):gsub("%.markdown$", "")
              :gsub("%.md$", ""))
end

-- A document answers to its id, its title, its path with or without the
-- extension and its file name; an index page also to its folder.
local function document_names(doc, add)
  add(doc.id)
  add(doc.title)
  if type(doc.path) ~= "string" then return end
  local stem = strip_ext(doc.path)
  add(doc.path)
  add(stem)
  local base = stem:match("([^/]+)$")
  add(base)
  local low = base:lower()
  if low == "index" or low == "_index" or low == "readme" then
    local folder = stem:match("^(.*)/[^/]+$")
    if folder then
      add(folder)
      add(folder:match("([^/]+)$"))
    end
  end
end

-- A target: the set of names that resolve, and the ids to suggest.
local function new_target(list, names_of, budget)
  local names, suggest_ids = {}, {}
  local function add(v)
    if type(v) == "string" and v ~= "" then names[v] = true end
  end
  for _, obj in ipairs(list or {}) do
    names_of(obj, add)
    if type(obj.id) == "string" and obj.id ~= "" then
      suggest_ids[obj.id] = true
    end
  end
  return {names = names, ids = suggest_ids, count = #(list or {}),
          budget = budget}
end

local function id_names(obj, add)
  add(obj.id)
end

local function system_names(obj, add)
  add(obj.id)
  add(obj.name)
end

-- A control reference may name a framework requirement directly (common
-- in risk registers and evidence lists) rather than a control of this
-- repository: any id that a control or document maps to, and any id that
-- reads as a SOC 2 criterion or an ISO Annex A control.
local function mapped_ids(repo)
  local set = {}
  for _, kind in ipairs{"controls", "documents"} do
    for _, obj in ipairs(repo[kind] or {}) do
      if type(obj.maps) == "table" then
        for _, list in pairs(obj.maps) do
          if type(list) == "table" then
            for _, v in ipairs(list) do
              if type(v) == "string" then set[v] = true end
            end
          end
        end
      end
    end
  end
  return set
end

local function is_requirement_id(ref, mapped)
  if mapped[ref] or ids.canonical("soc2", ref) then return true end
  local v = ids.canonical("iso27001", ref)
  return v ~= nil and v:sub(1, 2) == "A."
end

-- ref read as a path relative to the folder of the file at here, with
-- '.' and '..' resolved; nil when it climbs out of the repository.
local function relative_path(ref, here)
  if not ref:find("/", 1, true) then return nil end
  local dir = here and here:match("^(.*)/[^/]+$")
  return text.clean_path(ref:sub(1, 1) == "/" and ref:sub(2)
                         or (dir and dir .. "/" .. ref) or ref)
end

local function is_url_or_file(ref, files, here)
  if ref:find("://", 1, true) then return true end
  local rel = relative_path(ref, here)
  return files[ref] or (rel and files[rel]) or false
end

-- ---- checking ----

local function describe(obj, noun)
  if type(obj.id) == "string" and obj.id ~= "" then
    return ("%s '%s'"):format(noun, obj.id)
  end
  return "a " .. noun .. " without an id"
end

local function report_missing(ctx, ref_spec, obj, at, key, ref, target)
  local msg = ("%s %s '%s', %s"):format(
    (ref_spec.describe or describe)(obj, ref_spec.owner),
    ref_spec.verb, ref, ref_spec.missing or "which does not exist")
  -- Built on the first miss: most repositories never need one.
  target.suggester = target.suggester
    or new_suggester(sorted(target.ids), target.budget)
  local hint = suggest(target.suggester, ref, obj.id)
  if hint and hint ~= ref then
    msg = msg .. ("; did you mean '%s'?"):format(hint)
  else
    msg = msg .. ref_spec.fix
  end
  ctx.report{
    at = at, key = key, message = msg,
    subject = ("%s:%s:%s:%s"):format(ref_spec.owner,
      ref_spec.subject and ref_spec.subject(obj)
        or tostring(obj.id or obj.path), ref_spec.field, ref),
  }
end

-- The item at list[i]: an id string, or a mapping with an id.
local function item_ref(list, i)
  local v = list[i]
  if type(v) == "string" then return v, list, i end
  if type(v) == "table" and type(v.id) == "string" then
    return v.id, v, "id"
  end
  return nil
end

local function check_refs(ctx, spec, objects, target, accept)
  for _, obj in ipairs(objects or {}) do
    local list = obj[spec.field]
    if type(list) == "table" then
      for i = 1, #list do
        local ref, at, key = item_ref(list, i)
        if ref and ref ~= "" and not target.names[ref]
           and not (accept and accept(ref, obj)) then
          report_missing(ctx, spec, obj, at, key, ref, target)
        end
      end
    end
  end
end

-- Requirements of a catalogue (repo.standards) name what implements
-- them: the repository's documents and controls (JupiterOne
-- mappedControls). The same requirement id appears in several
-- catalogues, so the catalogue is part of the description.
local function requirements_of(repo)
  local out, catalogue = {}, {}
  for _, st in ipairs(repo.standards or {}) do
    for _, req in ipairs(st.requirements or {}) do
      if type(req.implemented_by) == "table" then
        out[#out + 1] = req
        catalogue[req] = type(st.name) == "string" and st.name or nil
      end
    end
  end
  local function describe_req(req)
    if type(req.id) ~= "string" then return "a requirement" end
    local name = catalogue[req]
    if name then return ("requirement '%s' of '%s'"):format(req.id, name) end
    return ("requirement '%s'"):format(req.id)
  end
  return out, describe_req
end

local function requirement_subject(req)
  return tostring(req.path) .. ":" .. tostring(req.id)
end

-- A declaration ('{id, file}' in a config.json) whose file is not in
-- the repository.
local function check_declarations(ctx, repo)
  for _, d in ipairs(repo.declarations or {}) do
    if d.document == nil and type(d.file) == "string" then
      ctx.report{
        at = d, key = "file",
        message = ("'%s' declares document '%s' in '%s', which is not in "
          .. "the repository; add the file or correct the path")
          :format(d.path, d.id, d.file),
        subject = ("declaration:%s:%s"):format(d.id, d.file),
      }
    end
  end
end

local function fix(what)
  return "; define the " .. what .. " or correct the id"
end

return {
  id = "dangling-reference",
  severity = "error",
  summary = "a control, risk, SoA entry, evidence record, document or "
    .. "catalogue requirement names an id that does not exist",
  frameworks = {},
  options = {},

  check = function(repo, ctx)
    local budget = {left = SCAN_TOTAL}
    local docs = new_target(repo.documents, document_names, budget)
    local controls = new_target(repo.controls, id_names, budget)
    local evidence = new_target(repo.evidence, id_names, budget)
    local systems = new_target(repo.systems, system_names, budget)
    local files = {}
    for _, f in ipairs(repo.files or {}) do files[f.path] = true end

    local function evidence_ok(ref, obj)
      return is_url_or_file(ref, files, obj.path)
    end
    -- A document may also be named by its path from the referring file.
    local function document_ok(ref, obj)
      local rel = relative_path(ref, obj.path)
      return rel ~= nil and docs.names[rel] ~= nil
    end
    local mapped
    local function control_ok(ref)
      mapped = mapped or mapped_ids(repo)
      return is_requirement_id(ref, mapped)
    end
    local function control_or_doc(ref)
      return docs.names[ref] or control_ok(ref)
    end

    check_refs(ctx, {owner = "control", field = "policies",
      verb = "names policy", fix = fix("document")},
      repo.controls, docs, document_ok)
    check_refs(ctx, {owner = "control", field = "evidence",
      verb = "names evidence", fix = fix("evidence record")},
      repo.controls, evidence, evidence_ok)
    if systems.count > 0 then
      check_refs(ctx, {owner = "control", field = "systems",
        verb = "names system", missing = "which is not in the systems "
          .. "inventory", fix = "; add it there or correct the id"},
        repo.controls, systems)
    end
    check_refs(ctx, {owner = "risk", field = "controls",
      verb = "names control", fix = fix("control")},
      repo.risks, controls, control_ok)
    check_refs(ctx, {owner = "SoA entry", field = "implemented_by",
      verb = "names control", fix = fix("control")},
      repo.soa, controls, control_or_doc)
    check_refs(ctx, {owner = "evidence", field = "controls",
      verb = "names control", fix = fix("control")},
      repo.evidence, controls, control_ok)
    check_refs(ctx, {owner = "document", field = "supersedes",
      verb = "supersedes", fix = "; name an existing document id, or "
        .. "drop the entry if the old document is gone"},
      repo.documents, docs, document_ok)
    check_refs(ctx, {owner = "document", field = "procedures",
      verb = "lists procedure", fix = fix("document")},
      repo.documents, docs, document_ok)
    local reqs, describe_req = requirements_of(repo)
    if #reqs > 0 then
      local both = {}
      for _, d in ipairs(repo.documents or {}) do both[#both + 1] = d end
      for _, c in ipairs(repo.controls or {}) do both[#both + 1] = c end
      local impl = new_target(both, document_names, budget)
      check_refs(ctx, {owner = "requirement", field = "implemented_by",
        verb = "is mapped to", describe = describe_req,
        subject = requirement_subject, fix = fix("document or control")},
        reqs, impl)
    end
    check_declarations(ctx, repo)
  end,
}
