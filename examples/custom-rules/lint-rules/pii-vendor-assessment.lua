-- pii-vendor-assessment: a vendor with access to personal data must have
-- been assessed within the last 12 months (the 'last_assessed' date of
-- the vendor register). ISO/IEC 27001 A.5.22 and SOC 2 CC9.2 expect
-- suppliers to be monitored; for vendors holding personal data we
-- require a yearly assessment, also for GDPR Article 28.
--
-- Options:
--   pii_classes    data_access values that mean personal data
--   pii_words      words that mark personal data inside any other value
--                  ("personal" in "employee-personal-data")
--   max_months     how old the last assessment may be
--   inactive       vendor 'status' values that exempt a vendor
-- An unreadable date has its own invalid-value finding and is skipped.

local date = require("auditlint.date")

local function set_of(list)
  local set = {}
  for _, v in ipairs(list or {}) do
    if type(v) == "string" then set[v:lower()] = true end
  end
  return set
end

-- The index and value of the first data_access item that is personal
-- data, or nil.
local function personal_data(vendor, classes, words)
  local access = vendor.data_access
  if type(access) ~= "table" then return nil end
  for i, item in ipairs(access) do
    if type(item) == "string" then
      local v = item:lower()
      if classes[v] then return i, item end
      for word in v:gmatch("[%w]+") do
        if words[word] then return i, item end
      end
    end
  end
  return nil
end

local function name_of(vendor)
  if type(vendor.id) == "string" and vendor.id ~= "" then return vendor.id end
  if type(vendor.name) == "string" then return vendor.name end
  return "(no id)"
end

local function unreadable(vendor, field)
  return type(vendor.unreadable) == "table"
    and vendor.unreadable[field] ~= nil
end

return {
  id = "pii-vendor-assessment",
  severity = "warning",
  summary = "a vendor with access to personal data has no assessment "
    .. "within the last 12 months",
  frameworks = {"soc2", "iso27001"},
  options = {
    pii_classes = {"pii", "phi", "personal-data", "personal",
      "special-category"},
    pii_words = {"pii", "phi", "personal"},
    max_months = 12,
    inactive = {"offboarded", "retired", "inactive", "terminated"},
  },

  check = function(repo, ctx)
    local opts = ctx.options
    local classes, words = set_of(opts.pii_classes), set_of(opts.pii_words)
    local inactive = set_of(opts.inactive)
    local months = tonumber(opts.max_months) or 12
    for _, vendor in ipairs(repo.vendors) do
      local status = type(vendor.status) == "string"
        and vendor.status:lower() or nil
      local i, class = personal_data(vendor, classes, words)
      if i and not (status and inactive[status])
         and not unreadable(vendor, "last_assessed") then
        local related = {{at = vendor.data_access, key = i,
          message = ("its data access includes '%s'"):format(class)}}
        local last = vendor.last_assessed
        local due = type(last) == "string"
          and date.add(last, {months = months})
        if type(last) ~= "string" then
          ctx.report{
            at = vendor, key = "id",
            message = ("vendor '%s' has access to personal data but no "
              .. "'last_assessed' date; assess it and record the date")
              :format(name_of(vendor)),
            related = related,
            frameworks = {"iso27001:A.5.22", "soc2:CC9.2"},
            subject = name_of(vendor),
          }
        elseif due and date.compare(due, ctx.today) < 0 then
          ctx.report{
            at = vendor, key = "last_assessed",
            message = ("vendor '%s' has access to personal data but was "
              .. "last assessed on %s, more than %d months before %s; "
              .. "reassess it"):format(name_of(vendor), last, months,
                                       ctx.today),
            related = related,
            frameworks = {"iso27001:A.5.22", "soc2:CC9.2"},
            subject = name_of(vendor),
          }
        end
      end
    end
  end,
}
