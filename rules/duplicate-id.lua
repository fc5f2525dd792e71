-- duplicate-id: two objects of the same kind share an id, so every
-- reference to that id is ambiguous. Ids are compared exactly (after the
-- model trimmed them); the first object in file order owns the id.
--
-- Also, as a warning: an OpenControl component with two 'satisfies'
-- entries for one control ('CA-2 (2)' twice, each with its own
-- narrative: the SSP can print only one), and a catalogue that lists
-- the same requirement twice. Ids are compared in canonical form, so
-- 'AC-2 (1)' and 'AC-2(1)' are the same control. A plain 'maps' list
-- that repeats an id says nothing twice that could differ: not reported.

local kinds = {
  {list = "controls", noun = "control"},
  {list = "documents", noun = "document"},
  {list = "evidence", noun = "evidence record"},
  {list = "risks", noun = "risk"},
  {list = "vendors", noun = "vendor"},
  {list = "systems", noun = "system"},
}

-- A YAML alias ('- *ac2') repeats one definition; the copy sits at the
-- same place as the original, so it is not a second definition.
local function same_place(ctx, a, b)
  local fa, la, ca = ctx.where(a)
  local fb, lb, cb = ctx.where(b)
  return fa ~= nil and fa == fb and la == lb and ca == cb
end

local function check_kind(repo, ctx, kind)
  local first = {}
  for _, obj in ipairs(repo[kind.list] or {}) do
    local id = obj.id
    if type(id) == "string" and id ~= "" then
      local owner = first[id]
      if owner == nil then
        first[id] = obj
      elseif owner ~= obj and not same_place(ctx, owner, obj) then
        ctx.report{
          at = obj, key = "id",
          message = ("%s id '%s' is already used by another %s; give "
            .. "each %s its own id"):format(kind.noun, id, kind.noun,
                                            kind.noun),
          related = {{at = owner, key = "id",
                      message = ("'%s' is first defined here"):format(id)}},
          subject = (obj.kind or kind.noun) .. ":" .. id,
        }
      end
    end
  end
end

-- The later copies of each id in list, as pairs (copy, first) in out;
-- returns the number of pairs. out is reused: no table per list.
local function repeats(list, out)
  local n, k = #list, 0
  if n < 2 then return 0 end
  if n <= 64 then
    for i = 2, n do
      local v = list[i]
      for j = 1, i - 1 do
        if type(v) == "string" and list[j] == v then
          out[k + 1], out[k + 2], k = i, j, k + 2
          break
        end
      end
    end
    return k
  end
  local first = {}
  for i = 1, n do
    local v = list[i]
    if type(v) == "string" then
      if first[v] then
        out[k + 1], out[k + 2], k = i, first[v], k + 2
      else
        first[v] = i
      end
    end
  end
  return k
end

local pairs_buf = {}

local function framework_names(m)
  local out = {}
  for fw, list in pairs(m) do
    if type(fw) == "string" and type(list) == "table" then
      out[#out + 1] = fw
    end
  end
  table.sort(out)
  return out
end

local function check_maps(ctx, objects, noun)
  for _, obj in ipairs(objects or {}) do
    local m = obj.format == "opencontrol" and obj.maps
    if type(m) == "table" then
      for _, fw in ipairs(framework_names(m)) do
        local list = m[fw]
        for p = 1, repeats(list, pairs_buf), 2 do
          local i, j = pairs_buf[p], pairs_buf[p + 1]
          ctx.report{
            at = list, key = i, severity = "warning",
            message = ("%s '%s' satisfies '%s' twice (%s); merge the two "
              .. "entries and their narratives into one"):format(noun,
              tostring(obj.id), list[i], fw),
            related = {{at = list, key = j,
                        message = "the first entry is here"}},
            subject = ("maps:%s:%s:%s:%s"):format(noun, tostring(obj.id),
                                                  fw, list[i]),
          }
        end
      end
    end
  end
end

local function check_catalogues(ctx, repo)
  for _, st in ipairs(repo.standards or {}) do
    local reqs = st.requirements or {}
    local list = {}
    for i, req in ipairs(reqs) do list[i] = req.id or false end
    for p = 1, repeats(list, pairs_buf), 2 do
      local i, j = pairs_buf[p], pairs_buf[p + 1]
      ctx.report{
        at = reqs[i], key = "id", severity = "warning",
        message = ("requirement '%s' is listed twice in catalogue '%s'; "
          .. "keep one entry"):format(list[i], tostring(st.name)),
        related = {{at = reqs[j], key = "id",
                    message = "the first entry is here"}},
        subject = ("catalogue:%s:%s"):format(tostring(st.path), list[i]),
      }
    end
  end
end

return {
  id = "duplicate-id",
  severity = "error",
  summary = "two controls, documents, evidence records, risks, vendors "
    .. "or systems share an id",
  frameworks = {},
  options = {},

  check = function(repo, ctx)
    for _, kind in ipairs(kinds) do check_kind(repo, ctx, kind) end
    check_maps(ctx, repo.controls, "component")
    check_catalogues(ctx, repo)
  end,
}
