-- required-fields: an object lacks a field the organisation requires
-- (by default: who owns a control and how often it runs, who owns a
-- document, who owns a risk and how it is treated). One finding per
-- object names every missing field.
--
-- A value the model could not read (object.unreadable[field]) is not
-- missing: it has its own finding. A value the model read from a
-- document's body ('**Owner:** CEO', doc.source[field] == "body") is
-- present. Not checked: retired documents, README/index pages and
-- repository housekeeping (doc.readme), documents declared not adopted,
-- documents that are part of another (a policy's procedures, whose
-- owner is the policy's), controls marked not-applicable, and catalogue
-- requirements (repo.standards: a framework's, not the organisation's).
-- An OpenControl component is a system or policy that satisfies
-- controls, not a recurring activity: it is not asked for a frequency.
-- Templates (.md.tmpl) are checked: what a template lacks, every
-- document made from it lacks; '{{owner}}' in a template is a value.

local kinds = {
  {option = "control", list = "controls", noun = "control"},
  {option = "document", list = "documents", noun = "document"},
  {option = "risk", list = "risks", noun = "risk"},
  {option = "vendor", list = "vendors", noun = "vendor"},
  {option = "evidence", list = "evidence", noun = "evidence record"},
  {option = "system", list = "systems", noun = "system"},
}

-- How a field is written in the body of a document without front
-- matter, for the message.
local body_label = {
  owner = "Owner", version = "Version", approved_by = "Approved by",
  last_reviewed = "Last Reviewed", review_frequency = "Review Cycle",
  next_review = "Next Review",
}

local function skipped(obj)
  if obj.kind == "document" then
    return obj.status == "retired" or obj.readme == true
      or obj.adopted == false or obj.part_of ~= nil
  end
  return obj.kind == "control" and obj.status == "not-applicable"
end

local function applies(obj, field)
  return not (field == "frequency" and obj.format == "opencontrol")
end

-- Empty text and empty lists count as missing: 'owner: ""' names no one.
local function present(obj, field)
  local v = obj[field]
  if type(v) == "string" then return v:match("%S") ~= nil end
  if type(v) == "table" then return next(v) ~= nil end
  if v ~= nil then return true end
  return type(obj.unreadable) == "table" and obj.unreadable[field] ~= nil
end

local function quoted_list(fields, suffix)
  local q = {}
  for i, f in ipairs(fields) do q[i] = "'" .. f .. (suffix or "") .. "'" end
  if #q == 1 then return q[1] end
  return table.concat(q, ", ", 1, #q - 1) .. " and " .. q[#q]
end

local function describe(obj, noun)
  if type(obj.id) == "string" and obj.id ~= "" then
    return ("%s '%s'"):format(noun, obj.id)
  end
  return noun .. " without an id"
end

-- What is missing: 'names no owner' for the usual case of a document,
-- else the list.
local function what_is_missing(obj, noun, missing)
  if obj.kind == "document" and #missing == 1 and missing[1] == "owner"
  then
    return describe(obj, noun) .. " names no owner"
  end
  return ("%s is missing %s"):format(describe(obj, noun),
                                     quoted_list(missing))
end

-- The body lines that could carry the fields, when every field has one.
local function body_lines(missing)
  local labels = {}
  for i, f in ipairs(missing) do
    if not body_label[f] then return nil end
    labels[i] = body_label[f]
  end
  return quoted_list(labels, ":")
end

local function where_to_add(obj, missing)
  if obj.format == "opencontrol" and missing[1] == "owner" then
    return "add 'responsible_role:' (the OpenControl owner field) to the "
      .. "component"
  end
  if obj.kind ~= "document" then
    return ("add %s to its entry"):format(#missing == 1 and "it" or "them")
  end
  local keys = quoted_list(missing, ":")
  local lines = body_lines(missing)
  local alt = ""
  if lines then
    alt = (" (or %s%s line%s at the top of the document)"):format(
      #missing > 1 and "" or "an ", lines, #missing > 1 and "s" or "")
  end
  if obj.front_matter == "none" then
    return ("add a front matter block with %s%s"):format(keys, alt)
  end
  return ("add %s to its front matter%s"):format(keys, alt)
end

-- Prose that says who is responsible is not an owner field, but it is
-- where the answer is: the first such sentence becomes a related note.
local prose_owner = {
  "responsible for reviewing", "responsible for maintaining",
  "responsible for updating", "responsible for approving",
  "responsible for this policy", "responsible for the policy",
  "accountable for this policy", "owned by", "is the owner of",
  "are the owners of", "owns this",
}

local function prose_hint(doc)
  for _, s in ipairs(doc.sections or {}) do
    local text = type(s.text) == "string" and s.text or ""
    for _, words in ipairs(prose_owner) do
      local at = text:find(words, 1, true)
      if at then
        local from = text:sub(1, at):match(".*[%.!?\n]%s*()") or 1
        return {at = s, offset = from, length = at + #words - from,
                message = "this text says who is responsible; record the "
                  .. "owner as a field so that rules and auditors can "
                  .. "find it"}
      end
    end
  end
  return nil
end

-- The configured field list for a kind: options.control or
-- options.controls, a list of field names (or a single name).
local function fields_for(options, kind)
  local v = options[kind.option]
  if v == nil then v = options[kind.list] end
  if type(v) == "string" then return {v} end
  if type(v) ~= "table" then return {} end
  local out = {}
  for _, f in ipairs(v) do
    if type(f) == "string" then out[#out + 1] = f end
  end
  return out
end

local function check_kind(repo, ctx, kind)
  local fields = fields_for(ctx.options or {}, kind)
  if #fields == 0 then return end
  for _, obj in ipairs(repo[kind.list] or {}) do
    if not skipped(obj) then
      local missing = {}
      for _, f in ipairs(fields) do
        if applies(obj, f) and not present(obj, f) then
          missing[#missing + 1] = f
        end
      end
      if #missing > 0 then
        local hint = kind.option == "document" and missing[1] == "owner"
                     and prose_hint(obj)
        local noun = obj.format == "opencontrol" and "component"
                     or kind.noun
        ctx.report{
          at = obj,
          message = ("%s; %s"):format(what_is_missing(obj, noun,
            missing), where_to_add(obj, missing)),
          related = hint and {hint} or nil,
          subject = ("%s:%s:%s"):format(kind.option,
            tostring(obj.id or obj.path), table.concat(missing, ",")),
        }
      end
    end
  end
end

return {
  id = "required-fields",
  severity = "warning",
  summary = "a control, document or risk lacks a required field such as "
    .. "its owner",
  frameworks = {},
  options = {
    control = {"owner", "frequency"},
    document = {"owner"},
    risk = {"owner", "treatment"},
    vendor = {},
    evidence = {},
    system = {},
  },

  check = function(repo, ctx)
    for _, kind in ipairs(kinds) do check_kind(repo, ctx, kind) end
  end,
}
