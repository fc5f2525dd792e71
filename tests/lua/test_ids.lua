-- Tests for core/lua/ids.lua (auditlint.ids).
--
--   cd tests/lua && lua5.4 test_ids.lua      (or from the repository root)

local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path
local tests = require("harness").new("ids")
local check = tests.check
local ids = require("auditlint.ids")

-- framework: keys and their aliases
local keys = {
  soc2 = "soc2", SOC2 = "soc2", TSC = "soc2", ["soc-2"] = "soc2",
  ["SOC 2"] = "soc2",
  iso27001 = "iso27001", ISO27001 = "iso27001",
  ["iso27001:2022"] = "iso27001", ["iso-27001"] = "iso27001",
  ["ISO 27001"] = "iso27001", ["ISO/IEC 27001:2022"] = "iso27001",
  iso27002 = "iso27002", ["iso27002:2022"] = "iso27002",
  ["iso27001:2013"] = "iso27001:2013",
  ["ISO/IEC 27001:2013"] = "iso27001:2013",
  ["iso-27001-2013"] = "iso27001:2013",
  ["nist-csf"] = "nist-csf", csf = "nist-csf", CSF = "nist-csf",
  ["nist-csf-2.0"] = "nist-csf", ["NIST CSF"] = "nist-csf",
  ["nist-800-53"] = "nist-800-53", ["NIST-800-53"] = "nist-800-53",
  ["NIST SP 800-53 rev5"] = "nist-800-53", ["800-53"] = "nist-800-53",
}
for k, want in pairs(keys) do
  check("framework '" .. k .. "'", ids.framework(k), want)
end
for _, k in ipairs{"NIST-801-53", "pci-dss", "iso27002:2013", "nist-csf-1.1",
                   "", "hipaa"} do
  check("unknown framework '" .. k .. "'", ids.framework(k), nil)
end
check("framework not a string", ids.framework(nil), nil)

-- canonical: FORMATS.md section 5
local good = {
  {"soc2", "CC6.1", "CC6.1"}, {"soc2", "cc6.1", "CC6.1"},
  {"soc2", " CC7.1 ", "CC7.1"}, {"soc2", "A1.2", "A1.2"},
  {"soc2", "PI1.3", "PI1.3"}, {"soc2", "P4.2", "P4.2"},
  {"soc2", "C1.1", "C1.1"}, {"soc2", "CC9.9", "CC9.9"},   -- form only
  {"TSC", "CC6.2", "CC6.2"},
  {"iso27001", "A.5.15", "A.5.15"}, {"iso27001", "A5.15", "A.5.15"},
  {"iso27001", "a.8.2", "A.8.2"}, {"iso27001", "9.2", "9.2"},
  {"iso27001", "6.1.3", "6.1.3"}, {"iso27001", "5.2", "5.2"},
  {"iso27001", "4.2.a", "4.2.a"}, {"iso27001", "6.1.3 d)", "6.1.3.d"},
  {"iso27001", "A.9.2.3", "A.9.2.3"},
  {"iso27001:2013", "A.9.2.3", "A.9.2.3"},
  {"iso27002", "5.15", "A.5.15"}, {"iso27002", "A.5.15", "A.5.15"},
  {"nist-csf", "GV.PO-01", "GV.PO-01"}, {"nist-csf", "pr.aa-05", "PR.AA-05"},
  {"nist-800-53", "AC-2", "AC-2"}, {"nist-800-53", "AC-2 (1)", "AC-2(1)"},
  {"nist-800-53", "AC-2(1)", "AC-2(1)"}, {"nist-800-53", "ac-02", "AC-2"},
  {"nist-800-53", "AC-17 (2)", "AC-17(2)"},
  {"nist-800-53", "ac-2.1", "AC-2(1)"},
}
for _, t in ipairs(good) do
  check(("canonical %s '%s'"):format(t[1], t[2]), ids.canonical(t[1], t[2]),
        t[3])
end

local bad = {
  {"soc2", "CC01"}, {"soc2", "CC6"}, {"soc2", "X1.1"},
  {"iso27001", "foo"}, {"iso27001", "A.5"}, {"iso27001", "1..2"},
  {"iso27002", "A5"}, {"nist-csf", "PR.A-02"}, {"nist-csf", "ID.AM.01"},
  {"nist-csf", "GV.OV-03:"}, {"nist-csf", "RS.IM-1"},
  {"nist-csf", "XX.PO-01"}, {"nist-800-53", "AC2"},
  {"nist-800-53", "AC-2(1)(a)"}, {"unknown", "X-1"}, {"soc2", ""},
}
for _, t in ipairs(bad) do
  local v, why = ids.canonical(t[1], t[2])
  check(("reject %s '%s'"):format(t[1], t[2]), v, nil)
  check(("reason %s '%s'"):format(t[1], t[2]), type(why), "string")
end
local _, why = ids.canonical("nist-csf", "RS.IM-1")
check("csf 1.1 hint", why:find("RS.IM-01", 1, true) ~= nil, true)

-- scan: what prose cites, with byte offsets
local function scan_list(text)
  local out = {}
  for _, h in ipairs(ids.scan(text)) do
    check("offset of " .. h.raw, text:sub(h.offset, h.offset + h.length - 1),
          h.raw)
    out[#out + 1] = ("%s=%s"):format(h.framework, tostring(h.id))
  end
  return table.concat(out, " ")
end

local cases = {
  {"SOC 2 CC6.1 and A1.2 and C1.1, PI1.3; P4.2.",
   "soc2=CC6.1 soc2=A1.2 soc2=C1.1 soc2=PI1.3 soc2=P4.2"},
  {"Annex A.5.15 (also A5.15) and the old A.9.2.3.",
   "iso27001=A.5.15 iso27001=A.5.15 iso27001:2013=A.9.2.3"},
  {"A.12.4 is a 2013 category", "iso27001:2013=A.12.4"},
  {"ranges: A.5.19-A.5.23 and CC1.1-CC9.2",
   "iso27001=A.5.19 iso27001=A.5.23 soc2=CC1.1 soc2=CC9.2"},
  {"GV.PO-01 and PR.AA-05", "nist-csf=GV.PO-01 nist-csf=PR.AA-05"},
  {"PR.A-02, ID.AM.01 and RS.IM-1",
   "nist-csf=nil nist-csf=nil nist-csf=nil"},
  {"See SSP controls AC-2, AC-2(1), AC-17 (2).",
   "nist-800-53=AC-2 nist-800-53=AC-2(1) nist-800-53=AC-17(2)"},
  {"**A.5.18** and [CC6.2](x) and (SC-7)",
   "iso27001=A.5.18 soc2=CC6.2 nist-800-53=SC-7"},
  -- look-alikes that are not citations
  {"Version 2.6, section 9.2, clause 6.1.3", ""},
  {"OSPS-AC-01 and OSPS-AC-01.01", ""},
  {"UTF-8, PR-12, CVE-2021-1234, ISO-27001", ""},
  {"licensed CC0 1.0 or CC BY 4.0", ""},
  {"Appendix A.1 and A.2.3 and A.4.1", ""},
  {"P0.3.1 and P9.1 and C2.1", ""},
  {"cc6.1 lowercase and xCC6.1 glued and CC6.1.2 deeper", ""},
  {"page#A.5.1 and file_CC6.1", ""},
  {"【CC1.1】 title", "soc2=CC1.1"},
}
for _, c in ipairs(cases) do
  check("scan '" .. c[1] .. "'", scan_list(c[1]), c[2])
end

local hits = ids.scan("x ID.AM.01 y")
check("malformed has raw", hits[1].raw, "ID.AM.01")
check("malformed has reason", type(hits[1].reason), "string")
check("malformed offset", hits[1].offset, 3)
check("malformed length", hits[1].length, 8)
hits = ids.scan("AC-17 (2)")
check("raw keeps the space", hits[1].raw, "AC-17 (2)")
check("scan empty", #ids.scan(""), 0)
check("scan nil", #ids.scan(nil), 0)

tests.done()
