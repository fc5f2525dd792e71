-- Tests for core/lua/text.lua (auditlint.text).
--
--   cd tests/lua && lua5.4 test_text.lua      (or from the repository root)

local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path
local tests = require("harness").new("text")
local check = tests.check
local text = require("auditlint.text")

-- Renders a list of tables by the given fields, for one comparison.
local function render(list, fields)
  local out = {}
  for _, t in ipairs(list) do
    local parts = {}
    for _, f in ipairs(fields) do parts[#parts + 1] = tostring(t[f]) end
    out[#out + 1] = table.concat(parts, "/")
  end
  return table.concat(out, " ")
end

-- ---- names and words ----

check("fold case and separators", text.fold("  Dublin_Office -- HQ "),
      "dublin office hq")
check("fold non-string", text.fold(42), nil)
check("squeeze", text.squeeze("access\n   review"), "access review")
check("stem plural", text.stem("rules"), "rule")
check("stem -ies", text.stem("policies"), "policy")
check("stem -ed", text.stem("reviewed"), "review")
check("stem -ing", text.stem("reviewing"), "review")
check("stem keeps -ss", text.stem("access"), "access")
check("content words",
      table.concat(text.content_words("Quarterly User Access Reviews of "
        .. "the platform"), ","), "access,platform,review,user")
check("content words extra stop",
      table.concat(text.content_words("Backup control", {control = true}),
                   ","), "backup")

-- ---- sentences ----

local s = "Access is reviewed quarterly. Logs are kept; e.g. daily.\n"
  .. "This line\ncontinues here.\n- item one\n- item two\n\nNew para"
local parts = {}
for _, x in ipairs(text.sentences(s)) do
  parts[#parts + 1] = s:sub(x[1], x[2]):gsub("\n", "|")
end
check("sentences", table.concat(parts, " / "),
      "Access is reviewed quarterly. / Logs are kept; / e.g. daily. / "
      .. "This line|continues here. / - item one| / - item two| / "
      .. "New para")
check("sentences of empty text", #text.sentences(""), 0)
check("list marker is not a sentence",
      #text.sentences("a. The purpose of this policy is clear."), 1)

-- ---- cadences ----

check("cadences", render(text.cadences(
  "reviewed every quarter, semi-annual tests and annually"),
  {"freq", "first"}), "quarterly/10 semiannual/25 annual/47")
check("semi-annually is not annual",
      render(text.cadences("tested semi-annually"), {"freq"}),
      "semiannual")
check("half-yearly is not yearly",
      render(text.cadences("a half-yearly review"), {"freq"}),
      "semiannual")
check("bi-weekly has no name",
      render(text.cadences("bi-weekly syncs"), {"freq"}), "false")
check("every 90 days", render(text.cadences("rotated every 90 days"),
                              {"freq"}), "quarterly")
check("inside a word", #text.cadences("the annualised rate"), 0)
check("no cadence", #text.cadences("access is granted on request"), 0)
check("line break inside a phrase",
      render(text.cadences("tested once a\nyear"), {"freq"}), "annual")

local sec = {text = "## x\nUser access reviews are performed every quarter."
  .. " Logs are reviewed weekly and tested annually.\n"}
local cs = text.cadence_sentences(sec)
check("cadence sentences: one per sentence", #cs, 1)
check("cadence sentence freq", cs[1].freq, "quarterly")
check("cadence sentence offset", sec.text:sub(cs[1].at,
                                              cs[1].at + cs[1].len - 1),
      "every quarter")
check("cadence sentence cached", text.cadence_sentences(sec), cs)
check("cadence in squeezed text",
      cs[1].text:sub(cs[1].cad_first, cs[1].cad_last), "every quarter")

-- ---- activity phrases ----

local t = "user access reviews are performed every quarter"
local a, b = t:find("every quarter", 1, true)
check("phrase near", text.phrase_near(t, {"access review"}, a, b, 6),
      "access review")
check("phrase too far", text.phrase_near(
  "access reviews feed the report that the board and the auditors read "
  .. "every quarter", {"access review"}, 70, 82, 6), nil)
local pm = "quarterly physical security monitoring"
check("physical is not log review",
      text.phrase_near(pm, {"security monitoring"}, 1, 9, 6), nil)
local h = "staff take a hipaa awareness training annually"
local x = h:find("awareness training", 1, true)
check("regime before the activity", text.qualifier(h, x, #h), "hipaa")
local r = "annual regulatory training and security training"
check("regime after the cadence",
      text.qualifier(r, r:find("security training", 1, true), 6),
      "regulatory")
check("no regime", text.qualifier(t, 6, b), nil)
check("find phrase", text.find_phrase("a siem alert", {"log review",
                                                       "siem"}), "siem")

-- ---- parameters ----

local function params(sentence, opts)
  return render(text.parameters(sentence, opts),
                {"param", "subject", "value"})
end

check("retention", params("audit logs are retained for two years."),
      "retention/audit logs/730")
check("retention at least", params(
  "retain audit logs of all users for at least 14 days."),
  "retention/audit logs/14")
check("retention period of", params(
  "the retention period of backups is 90 days"), "retention/backups/90")
check("bare log is no subject",
      params("log files are retained for two years"), "")
check("two subjects", params(
  "backups of audit logs are retained for 90 days"), "")
check("storage tier", params(
  "audit logs are kept online for 30 days"), "")
check("storage tier in the next sentence", params(
  "audit logs are kept for one month.",
  {following = "beyond that, they are archived."}), "")
check("retention without a verb", params(
  "audit logs cover 90 days of activity"), "")
check("password length", params(
  "password length must be at least a 15 character minimum."),
  "password-length/passwords/15")
check("password length in words", params(
  "the minimum allowable length of a password is eight characters"),
  "password-length/passwords/8")
check("privileged passwords", params(
  "administrator passwords are at least 16 characters long"),
  "password-length/privileged passwords/16")
check("password change is not a length", params(
  "modifying at least 6 characters when changing passwords"), "")
check("weak password list", params(
  "weak passwords contain less than eight characters"), "")
check("length outside a password section", params(
  "a minimum length of 12 characters;"), "")
check("length inside a password section", params(
  "a minimum length of 12 characters;", {passwords = true}),
  "password-length/passwords/12")
check("rto and rpo", params("the rto is 4 hours and the rpo is 1 hour"),
      "rto/rto/240 rpo/rpo/60")
check("recovery point objective", params(
  "recovery point objective: 8 hours maximum"), "rpo/rpo/480")
check("rto tier", params("rto for critical systems is 4 hours"), "")
check("two values in one sentence", params(
  "audit logs are retained for 90 days or retained for one year"), "")
local p = text.parameters("the rto is 4 hours.")[1]
check("parameter offset", ("the rto is 4 hours."):sub(p.at,
                                                     p.at + p.len - 1),
      "4 hours")
check("same value", text.same_value(90, 365 / 4), true)
check("different value", text.same_value(90, 365), false)

-- ---- shingles ----

local vocab = {ids = {}, n = 0}
local one = text.shingles("The quick brown fox jumps over the lazy dog",
                          5, vocab, {})
local two = text.shingles("the QUICK brown fox jumps over the lazy dog!",
                          5, vocab, {})
check("shingle count", #one, 5)
check("shingles ignore case and punctuation", table.concat(one, ","),
      table.concat(two, ","))
check("vocabulary", vocab.n, 8)
check("short text has no shingle",
      #text.shingles("too short", 5, vocab, {}), 0)
local three = text.shingles("quick brown fox jumps over", 5, vocab, {})
check("same words, same shingle", three[1], one[2])
check("order matters", text.shingles("brown quick fox jumps over", 5,
                                     vocab, {})[1] ~= three[1], true)

-- ---- expectations ----

local function fake_catalog()
  local cat = {calls = 0, got = nil}
  function cat:override_expectations(list)
    self.calls = self.calls + 1
    self.got = list
    if #list < 2 then return {} end
    return {{index = 2, message = "'CC99.1' is not an id of 'soc2'"}}
  end
  return cat
end

local cat = fake_catalog()
local ctx = {catalog = cat, config = {expectations = {
  {requirement = "ISO/IEC 27001:a5.18", frequency = "Quarterly"},
  {requirement = "TSC:CC99.1", frequency = "monthly",
   activity = {"Firewall Review"}},
  {requirement = "nowhere:1", frequency = "monthly"},
  {requirement = "soc2:CC6.6", frequency = "sometimes"},
}}}
local done = text.apply_expectations(ctx)
check("override called once", cat.calls, 1)
check("entries passed", #cat.got, 2)
check("requirement made canonical", cat.got[1].requirement,
      "iso27001:A.5.18")
check("frequency made canonical", cat.got[1].frequency, "quarterly")
check("activity lowercased", cat.got[2].activity[1], "firewall review")
check("problems", #done.problems, 3)
check("problem index maps to the configuration", done.problems[1].index, 2)
check("unknown framework", done.problems[2].index, 3)
check("unreadable frequency", done.problems[3].index, 4)
check("config index", done.config["iso27001:A.5.18"], 1)
check("applied once per catalogue", text.apply_expectations(ctx), done)
check("still one call", cat.calls, 1)
check("no configuration", #text.apply_expectations(
  {catalog = fake_catalog(), config = {}}).problems, 0)

tests.done()
