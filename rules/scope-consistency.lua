-- scope-consistency: the SOC 2 system boundary does not sit inside the
-- ISMS scope, or the two are stated inconsistently.
--
-- - Every SOC 2 system, location and service must be inside the ISMS
--   scope; every subservice organisation must be in the vendors register
--   when there is one (suppliers are managed, not scoped).
-- - An ISMS exclusion needs a justification; an item both included and
--   excluded is a contradiction; an excluded item that the SOC 2 scope,
--   a control or a document in force depends on is a finding at the
--   exclusion.
-- - An Annex A control excluded in the Statement of Applicability while a
--   control implements it is a contradiction.
-- - A system named in either scope that the systems inventory does not
--   know (controls' systems are dangling-reference's).
--
-- Names compare folded: case, runs of spaces, '-' and '_' do not matter.
-- A system may be named by its inventory id or its name. An ISMS list
-- holding '*' or 'all', or a statement saying 'entire organisation' (or
-- 'all systems', 'all locations', 'all services' for one kind), covers
-- every item of that kind; a statement that names an item covers it.

local text = require("auditlint.text")

local fold = text.fold

local kinds = {
  {field = "systems", noun = "system"},
  {field = "locations", noun = "location"},
  {field = "services", noun = "service"},
}

local wildcards = {["*"] = true, all = true, ["all systems"] = true,
                   everything = true, any = true}

local statement_all = {"entire organisation", "entire organization",
                       "whole organisation", "whole organization",
                       "entire company", "whole company", "all operations"}

local statement_kind = {
  systems = {"all systems", "all information systems"},
  locations = {"all locations", "all sites", "all offices",
               "all premises"},
  services = {"all services", "all products"},
}

local ISMS_SCOPE = "iso27001:4.3"

-- ---- names ----

-- Resolves names through the systems inventory: a system's id and name
-- both lead to 'system:<id>'; anything else is 'name:<folded>'.
local function new_names(repo)
  local sys = {}
  for _, s in ipairs(repo.systems or {}) do
    if type(s.id) == "string" then
      for _, n in ipairs{s.id, s.name} do
        local f = fold(n)
        if f and f ~= "" and not sys[f] then sys[f] = s.id end
      end
    end
  end
  local names = {inventory = #(repo.systems or {}) > 0}
  function names.key(v)
    local f = fold(v)
    if not f or f == "" then return nil end
    return sys[f] and ("system:" .. sys[f]) or ("name:" .. f)
  end
  function names.known(v)
    return sys[fold(v) or ""] ~= nil
  end
  return names
end

-- Every string item of list with its index: {value, list, i}.
local function items(list)
  local out = {}
  if type(list) ~= "table" then return out end
  for i, v in ipairs(list) do
    if type(v) == "string" and v:match("%S") then
      out[#out + 1] = {value = v, list = list, i = i}
    end
  end
  return out
end

local function describe_list(list, limit)
  local q = {}
  for i = 1, math.min(#list, limit) do q[i] = "'" .. list[i] .. "'" end
  local s = table.concat(q, ", ")
  if #list > limit then s = s .. (" and %d more"):format(#list - limit) end
  return s
end

-- ---- the ISMS scope ----

-- The statement folded, punctuation as spaces, padded with spaces so
-- that a name is found as whole words.
local function statement_of(isms)
  if type(isms.statement) ~= "string" then return "" end
  local s = isms.statement:lower():gsub("[^%w]+", " ")
  return " " .. s .. " "
end

-- What the ISMS scope holds for one kind: {keys = {key -> item},
-- all = covers everything, statement = folded statement}.
local function isms_kind(isms, names, field)
  local k = {keys = {}, all = false, statement = statement_of(isms)}
  for _, it in ipairs(items(isms[field])) do
    if wildcards[fold(it.value)] then k.all = true end
    local key = names.key(it.value)
    if key and not k.keys[key] then k.keys[key] = it end
  end
  if text.find_phrase(k.statement, statement_all)
     or text.find_phrase(k.statement, statement_kind[field] or {}) then
    k.all = true
  end
  return k
end

local function covers(k, v, names)
  if k.all or k.keys[names.key(v)] then return true end
  local f = fold(v):gsub("[^%w]+", " ")
  return #f > 2 and k.statement:find(" " .. f .. " ", 1, true) ~= nil
end

-- The exclusions: {value, at, key, justification, entry}.
local function exclusions(isms)
  local out = {}
  if type(isms.excludes) ~= "table" then return out end
  for i, e in ipairs(isms.excludes) do
    if type(e) == "string" and e:match("%S") then
      out[#out + 1] = {value = e, at = isms.excludes, key = i}
    elseif type(e) == "table" then
      for _, f in ipairs{"item", "name", "id", "system", "location"} do
        if type(e[f]) == "string" and e[f]:match("%S") then
          out[#out + 1] = {value = e[f], at = e, key = f, entry = e,
                           justification = e.justification}
          break
        end
      end
    end
  end
  return out
end

local empty_words = {[""] = true, ["n/a"] = true, na = true, tbd = true,
                     todo = true, none = true, ["-"] = true, ["?"] = true}

local function justified(x)
  local j = x.justification
  return type(j) == "string" and not empty_words[fold(j)]
end

-- ---- SOC 2 inside the ISMS ----

local function check_soc2_inside(ctx, soc2, isms, names, excluded)
  for _, kind in ipairs(kinds) do
    local k = isms_kind(isms, names, kind.field)
    for _, it in ipairs(items(soc2[kind.field])) do
      if not excluded[names.key(it.value)]
         and not covers(k, it.value, names) then
        ctx.report{
          at = it.list, key = it.i,
          message = ("SOC 2 scope %s '%s' is not in the ISMS scope; the "
            .. "SOC 2 boundary must sit inside the ISMS: add it to the "
            .. "ISMS %s"):format(kind.noun, it.value, kind.field),
          frameworks = {ISMS_SCOPE},
          subject = ("soc2-outside:%s:%s"):format(kind.field,
                                                  fold(it.value)),
        }
      end
    end
  end
end

local function check_vendors(ctx, soc2, repo)
  if #(repo.vendors or {}) == 0 then return end
  local known = {}
  for _, v in ipairs(repo.vendors) do
    for _, n in ipairs{v.id, v.name} do
      if fold(n) then known[fold(n)] = true end
    end
  end
  for _, it in ipairs(items(soc2.vendors)) do
    if not known[fold(it.value)] then
      ctx.report{
        at = it.list, key = it.i,
        message = ("subservice organisation '%s' is not in the vendors "
          .. "register; add it there so that it is managed as a supplier "
          .. "(ISO 27001 A.5.19-A.5.23)"):format(it.value),
        frameworks = {"iso27001:A.5.19", "iso27001:A.5.22"},
        subject = "vendor:" .. fold(it.value),
      }
    end
  end
end

-- ---- exclusions ----

local function check_justification(ctx, x)
  if justified(x) then return end
  ctx.report{
    at = x.at, key = x.key,
    message = ("ISMS exclusion '%s' has no justification; ISO 27001 "
      .. "clause 4.3 needs the reason an item is left out: add "
      .. "'justification'"):format(x.value),
    frameworks = {ISMS_SCOPE},
    subject = "unjustified:" .. fold(x.value),
  }
end

local function included_at(isms, names, key)
  for _, f in ipairs{"systems", "locations", "services", "units"} do
    for _, it in ipairs(items(isms[f])) do
      if names.key(it.value) == key then return it, f end
    end
  end
  return nil
end

local function check_contradiction(ctx, isms, names, x)
  local it, field = included_at(isms, names, names.key(x.value))
  if not it then return false end
  ctx.report{
    at = x.at, key = x.key,
    message = ("'%s' is both in the ISMS %s and excluded from the ISMS; "
      .. "keep one of the two"):format(x.value, field),
    related = {{at = it.list, key = it.i,
                message = ("'%s' is included here"):format(it.value)}},
    frameworks = {ISMS_SCOPE},
    subject = "contradiction:" .. fold(x.value),
  }
  return true
end

local function control_name(c)
  if type(c.id) == "string" then return ("control '%s'"):format(c.id) end
  return "a control without an id"
end

-- Who depends on each excluded key: {key -> {{what=, at=, key=}}}.
local function dependants(repo, soc2, names, excluded)
  local deps = {}
  local function add(v, what, at, key)
    local k = names.key(v)
    if k and excluded[k] then
      deps[k] = deps[k] or {}
      table.insert(deps[k], {what = what, at = at, key = key})
    end
  end
  for _, kind in ipairs(kinds) do
    for _, it in ipairs(items(soc2 and soc2[kind.field])) do
      add(it.value, "the SOC 2 scope", it.list, it.i)
    end
  end
  for _, c in ipairs(repo.controls or {}) do
    if c.status ~= "not-applicable" then
      for _, it in ipairs(items(c.systems)) do
        add(it.value, control_name(c), it.list, it.i)
      end
    end
  end
  for _, d in ipairs(repo.documents or {}) do
    if text.in_force(d) then
      for _, it in ipairs(items(d.scope)) do
        add(it.value, ("document '%s'"):format(tostring(d.path)), it.list,
            it.i)
      end
    end
  end
  return deps
end

local function check_dependants(ctx, x, list)
  if not list or #list == 0 then return end
  local who, seen, related = {}, {}, {}
  for _, d in ipairs(list) do
    if not seen[d.what] then
      seen[d.what] = true
      who[#who + 1] = d.what
    end
    if #related < 5 then
      related[#related + 1] = {at = d.at, key = d.key,
        message = ("%s depends on '%s' here"):format(d.what, x.value)}
    end
  end
  local names = #who > 3
    and ("%s, %s and %d more"):format(who[1], who[2], #who - 2)
    or (#who == 1 and who[1]
        or table.concat(who, ", ", 1, #who - 1) .. " and " .. who[#who])
  ctx.report{
    at = x.at, key = x.key,
    message = ("ISMS exclusion '%s' is needed by %s; bring it into the "
      .. "ISMS scope or remove the dependency"):format(x.value, names),
    related = related,
    frameworks = {ISMS_SCOPE},
    subject = "needed:" .. fold(x.value),
  }
end

local function check_exclusions(ctx, repo, soc2, isms, names)
  local xs, excluded = exclusions(isms), {}
  for _, x in ipairs(xs) do
    local k = names.key(x.value)
    if k then excluded[k] = true end
  end
  local deps = dependants(repo, soc2, names, excluded)
  for _, x in ipairs(xs) do
    check_justification(ctx, x)
    if not check_contradiction(ctx, isms, names, x) then
      check_dependants(ctx, x, deps[names.key(x.value)])
    end
  end
  return excluded
end

-- ---- unknown systems ----

local function check_inventory(ctx, scope, names)
  if not names.inventory then return end
  for _, part in ipairs{{"soc2", "SOC 2"}, {"isms", "ISMS"}} do
    local s = scope[part[1]]
    for _, it in ipairs(s and items(s.systems) or {}) do
      if not wildcards[fold(it.value)] and not names.known(it.value) then
        ctx.report{
          at = it.list, key = it.i,
          message = ("%s scope names system '%s', which is not in the "
            .. "systems inventory; add it there or correct the name")
            :format(part[2], it.value),
          subject = ("unknown-system:%s:%s"):format(part[1],
                                                    fold(it.value)),
        }
      end
    end
  end
end

-- ---- the Statement of Applicability ----

local function soc2_in_scope(soc2)
  local set = {security = true}
  for _, it in ipairs(items(soc2 and soc2.categories)) do
    set[fold(it.value):gsub(" ", "-")] = true
  end
  return set
end

local function stems(s)
  local set = {}
  for _, w in ipairs(text.content_words(s)) do set[w] = true end
  return set
end

-- True when every content word of the Annex A title (or one of its
-- variants) is in the control's title or description.
local function names_control(cset, entry)
  for _, t in ipairs{entry.title, table.unpack(entry.variants or {})} do
    local words = type(t) == "string" and text.content_words(t) or {}
    local all = #words > 0
    for _, w in ipairs(words) do
      if not cset[w] then all = false end
    end
    if all then return true end
  end
  return false
end

local function direct_hits(c, excluded, add)
  for _, fw in ipairs{"iso27001", "iso27002"} do
    local list = c.maps[fw]
    for i, v in ipairs(type(list) == "table" and list or {}) do
      if excluded[v] then add(v, c, list, i) end
    end
  end
end

-- Through the crosswalk: an in-scope SOC 2 criterion the control maps
-- to whose counterpart is the excluded Annex A control, when the
-- control's text names that Annex A control.
local function crosswalk_hits(ctx, c, excluded, cats, cache, add)
  local list = c.maps.soc2
  local cset
  for i, crit in ipairs(type(list) == "table" and list or {}) do
    local e = type(crit) == "string" and ctx.catalog:lookup("soc2", crit)
    if e and cats[e.category] then
      cache[crit] = cache[crit] or ctx.catalog:crosswalk("soc2", crit)
      for _, cp in ipairs(cache[crit]) do
        local entry = excluded[cp.id] and ctx.catalog:lookup("iso27001",
                                                             cp.id)
        if entry then
          cset = cset or stems((c.title or "") .. " "
                               .. (c.description or ""))
          if names_control(cset, entry) then add(cp.id, c, list, i) end
        end
      end
    end
  end
end

-- Controls that implement each excluded Annex A id: {id -> list of
-- {control, at, key}}, one entry per control.
local function implementers(ctx, repo, soc2, excluded)
  local out, seen, cache = {}, {}, {}
  local cats = soc2 and soc2_in_scope(soc2) or {}
  local function add(id, c, at, key)
    local k = id .. "\0" .. tostring(c)
    if seen[k] then return end
    seen[k] = true
    out[id] = out[id] or {}
    table.insert(out[id], {control = c, at = at, key = key})
  end
  for _, c in ipairs(repo.controls or {}) do
    if c.status ~= "not-applicable" and type(c.maps) == "table" then
      direct_hits(c, excluded, add)
      if soc2 then crosswalk_hits(ctx, c, excluded, cats, cache, add) end
    end
  end
  return out
end

local function soa_implemented_by(entry)
  local out = {}
  for _, it in ipairs(items(entry.implemented_by)) do
    out[#out + 1] = {name = it.value, at = it.list, key = it.i}
  end
  return out
end

local function implemented_phrase(who)
  if #who == 1 then
    return ("control '%s' implements it"):format(who[1])
  end
  return ("controls %s implement it"):format(describe_list(who, 3))
end

local function check_soa(ctx, repo, soc2)
  local by_id = {}
  for _, e in ipairs(repo.soa or {}) do
    if e.applicable == false and type(e.control) == "string" then
      by_id[e.control] = by_id[e.control] or e
    end
  end
  if next(by_id) == nil then return end
  local ids_sorted = {}
  for id in pairs(by_id) do ids_sorted[#ids_sorted + 1] = id end
  table.sort(ids_sorted)
  local impl = implementers(ctx, repo, soc2, by_id)
  for _, id in ipairs(ids_sorted) do
    local e = by_id[id]
    local who, related = {}, {}
    for _, x in ipairs(soa_implemented_by(e)) do
      who[#who + 1] = x.name
      related[#related + 1] = {at = x.at, key = x.key,
        message = ("the entry itself names '%s' as implementing it")
          :format(x.name)}
    end
    for _, x in ipairs(impl[id] or {}) do
      local name = type(x.control.id) == "string" and x.control.id
        or "(no id)"
      who[#who + 1] = name
      related[#related + 1] = {at = x.at, key = x.key,
        message = ("control '%s' implements '%s' here"):format(name, id)}
    end
    if #who > 0 then
      while #related > 5 do table.remove(related) end
      ctx.report{
        at = e, key = e.applicable ~= nil and "applicable" or nil,
        message = ("Annex A '%s' is excluded in the Statement of "
          .. "Applicability but %s; make it applicable or correct the "
          .. "mapping"):format(id, implemented_phrase(who)),
        related = related,
        frameworks = {"iso27001:" .. id, "iso27001:6.1.3"},
        subject = "soa:" .. id,
      }
    end
  end
end

return {
  id = "scope-consistency",
  severity = "error",
  summary = "the SOC 2 boundary is not inside the ISMS scope, or the "
    .. "scopes, exclusions and SoA contradict each other",
  frameworks = {"soc2", "iso27001"},
  options = {},

  check = function(repo, ctx)
    local scope = repo.scope or {}
    local soc2, isms = scope.soc2, scope.isms
    local names = new_names(repo)
    local excluded = {}
    if isms then
      excluded = check_exclusions(ctx, repo, soc2, isms, names)
    end
    if soc2 and isms then
      check_soc2_inside(ctx, soc2, isms, names, excluded)
    end
    if soc2 then check_vendors(ctx, soc2, repo) end
    check_inventory(ctx, scope, names)
    check_soa(ctx, repo, soc2)
  end,
}
