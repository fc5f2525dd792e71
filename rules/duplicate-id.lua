-- duplicate-id: two objects of the same kind share an id, so every
-- reference to that id is ambiguous. Ids are compared exactly (after the
-- model trimmed them); the first object in file order owns the id.

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

return {
  id = "duplicate-id",
  severity = "error",
  summary = "two controls, documents, evidence records, risks, vendors "
    .. "or systems share an id",
  frameworks = {},
  options = {},

  check = function(repo, ctx)
    for _, kind in ipairs(kinds) do check_kind(repo, ctx, kind) end
  end,
}
