-- duplicate-policy: two documents in force of the same type are one
-- document twice: their text is near-identical, or they cover the same
-- requirements. The finding is on the later one (path order), with the
-- other as a related location.
--
-- Text: every document becomes a set of hashed word shingles (five
-- consecutive words by default), taken from its body sections without
-- headings and without revision-history or document-control sections.
-- Shingles found in many documents are boilerplate (headings' text,
-- shared footers, template paragraphs) and are dropped before anything
-- is compared. Two documents are duplicates when the share of the
-- shorter one's remaining shingles that the other also has reaches
-- text_threshold.
--
-- Candidate pairs come from an inverted index, never from comparing all
-- pairs: a pair can only reach the threshold if the other document holds
-- one of the first N of the shorter one's shingles, rarest first, with N
-- = size - ceil(threshold * size) + 1 (prefix filtering). Shingles no
-- other document has cost nothing; most documents need no lookup.
-- Requirements work the same way on the 'maps' ids, with Jaccard
-- similarity.
--
-- Drafts, retired documents, records and README/index pages are not
-- policies in force and are left out.

local catalog = require("auditlint.catalog")
local text = require("auditlint.text")

local EMPTY = {}
local ID_BITS = 48
local ID_MASK = (1 << ID_BITS) - 1
local MAX_DF = (1 << (62 - ID_BITS)) - 1

-- Above this many documents in force, one shingle in 2^SAMPLE_BITS (by
-- hash) stands for the rest: time and memory stay linear, and for
-- documents of a few hundred words the shared share is still measured
-- within a few percent.
local SAMPLE_ABOVE = 1000
local SAMPLE_BITS = 2

-- Sections that describe the document rather than state policy.
local skipped_headings = {
  "revision history", "version history", "document history",
  "change history", "change log", "changelog", "revision record",
  "revisions", "document control", "approval", "approvals",
  "document approval", "table of contents", "contents",
}

local skip_set = {}
for _, h in ipairs(skipped_headings) do skip_set[h] = true end

local function skipped_section(sec)
  local h = text.fold(sec.heading)
  if not h then return false end
  h = h:gsub("^[%d%.%s]+", ""):gsub("[^%w ]", ""):gsub("^ +", "")
  h = h:gsub(" +$", "")
  return skip_set[h] or h:match("^change ?/ ?revision") ~= nil
end

-- ---- text ----

-- The distinct shingle ids of a document (ID_BITS-bit hashes), keeping
-- one in 2^sample_bits by hash; df counts, for each id, the documents
-- that hold it.
local function doc_shingles(doc, k, vocab, df, sample_bits)
  local seen, out = {}, {}
  local shift = 64 - sample_bits
  local function emit(h)
    local s = h & ID_MASK
    if (sample_bits == 0 or h >> shift == 0) and not seen[s] then
      seen[s] = true
      out[#out + 1] = s
      df[s] = (df[s] or 0) + 1
    end
  end
  for _, sec in ipairs(doc.sections or EMPTY) do
    if type(sec.text) == "string" and not skipped_section(sec) then
      text.each_shingle(sec.text, k, vocab, emit)
    end
  end
  return out
end

-- Keeps each entry's informative shingles: e.unique (in no other
-- document), e.keys (shared ones as df << ID_BITS | id, rarest first),
-- e.size (both together). Boilerplate (df > cap) is dropped.
local function informative(entries, df, cap)
  for _, e in ipairs(entries) do
    local keys, unique = {}, 0
    for _, s in ipairs(e.shingles) do
      local d = df[s]
      if d == 1 then
        unique = unique + 1
      elseif d <= cap then
        keys[#keys + 1] = (math.min(d, MAX_DF) << ID_BITS) | s
      end
    end
    table.sort(keys)
    e.unique, e.keys, e.size = unique, keys, unique + #keys
  end
end

-- Posting lists: shared shingle id -> entry indexes holding it.
local function postings(entries)
  local post = {}
  for i, e in ipairs(entries) do
    for _, key in ipairs(e.keys) do
      local s = key & ID_MASK
      local list = post[s]
      if not list then
        list = {}
        post[s] = list
      end
      list[#list + 1] = i
    end
  end
  return post
end

local function prefix_length(size, threshold)
  return size - math.ceil(threshold * size - 1e-9) + 1
end

-- Calls found(i, j) (i < j) for every candidate pair of the same type.
local function text_candidates(entries, post, threshold, min_size, found)
  for i, e in ipairs(entries) do
    local need = e.size >= min_size
      and prefix_length(e.size, threshold) - e.unique or 0
    for n = 1, math.min(need, #e.keys) do
      for _, j in ipairs(post[e.keys[n] & ID_MASK]) do
        local o = entries[j]
        if j ~= i and o.type == e.type and o.size >= min_size then
          found(math.min(i, j), math.max(i, j))
        end
      end
    end
  end
end

local function shingle_set(e)
  if not e.set then
    e.set = {}
    for _, key in ipairs(e.keys) do e.set[key & ID_MASK] = true end
  end
  return e.set
end

-- Share of the shorter document's informative shingles in the other.
local function text_overlap(a, b)
  if a.size > b.size then a, b = b, a end
  if a.size == 0 then return 0 end
  local set, n = shingle_set(b), 0
  for _, key in ipairs(a.keys) do
    if set[key & ID_MASK] then n = n + 1 end
  end
  return n / a.size
end

-- ---- requirements ----

local function requirement_list(doc)
  local out, seen = {}, {}
  if type(doc.maps) ~= "table" then return out end
  for fw, list in pairs(doc.maps) do
    if type(fw) == "string" and type(list) == "table" then
      for _, id in ipairs(list) do
        if type(id) == "string" then
          local key = fw .. ":" .. id
          if not seen[key] then
            seen[key] = true
            out[#out + 1] = key
          end
        end
      end
    end
  end
  table.sort(out)
  return out
end

local function requirement_candidates(entries, threshold, min_ids, found)
  local freq, post = {}, {}
  for i, e in ipairs(entries) do
    if #e.reqs >= min_ids then
      for _, r in ipairs(e.reqs) do
        freq[r] = (freq[r] or 0) + 1
        post[r] = post[r] or {}
        table.insert(post[r], i)
      end
    end
  end
  for i, e in ipairs(entries) do
    if #e.reqs >= min_ids then
      local order = {}
      for n, r in ipairs(e.reqs) do order[n] = r end
      table.sort(order, function(x, y)
        if freq[x] ~= freq[y] then return freq[x] < freq[y] end
        return x < y
      end)
      for n = 1, prefix_length(#order, threshold) do
        for _, j in ipairs(post[order[n]]) do
          if j ~= i and entries[j].type == e.type then
            found(math.min(i, j), math.max(i, j))
          end
        end
      end
    end
  end
end

local function shared_requirements(a, b)
  local set, out = {}, {}
  for _, r in ipairs(b.reqs) do set[r] = true end
  for _, r in ipairs(a.reqs) do
    if set[r] then out[#out + 1] = r end
  end
  return out
end

local function jaccard(a, b, shared)
  local union = #a.reqs + #b.reqs - #shared
  return union > 0 and #shared / union or 0
end

-- ---- reporting ----

local function natural_sort(list)
  table.sort(list, function(x, y)
    local fx, ix = x:match("^(.*):([^:]*)$")
    local fy, iy = y:match("^(.*):([^:]*)$")
    if ix ~= iy then return catalog.natural_less(ix, iy) end
    return fx < fy
  end)
  return list
end

local function id_list(reqs, limit)
  local names = {}
  for i = 1, math.min(#reqs, limit) do
    names[i] = reqs[i]:match("([^:]*)$")
  end
  local s = table.concat(names, ", ")
  if #reqs > limit then s = s .. (" and %d more"):format(#reqs - limit) end
  return s
end

local function evidence_text(p)
  local parts = {}
  if p.by_text then
    parts[#parts + 1] = ("%d%% of the shorter one's text is shared")
      :format(math.floor(p.overlap * 100))
  end
  if #p.shared > 0 then
    if p.by_reqs and not p.by_text then
      parts[#parts + 1] = ("both cover the same requirements: %s")
        :format(id_list(p.shared, 6))
    else
      parts[#parts + 1] = ("both cover %s"):format(id_list(p.shared, 6))
    end
  end
  if p.by_reqs and not p.by_text and p.overlap > 0 then
    parts[#parts + 1] = ("%d%% of the shorter one's text is shared")
      :format(math.floor(p.overlap * 100))
  end
  return table.concat(parts, "; ")
end

local function better(p, q)
  if p.by_text ~= q.by_text then return p.by_text end
  if p.overlap ~= q.overlap then return p.overlap > q.overlap end
  if p.req_score ~= q.req_score then return p.req_score > q.req_score end
  return p.other.index < q.other.index
end

local function report(ctx, later, pairs_of)
  table.sort(pairs_of, better)
  local p = pairs_of[1]
  local related = {{at = p.other.doc, key = "title",
    message = ("'%s' is the document it duplicates"):format(p.other.path)}}
  for n = 2, math.min(#pairs_of, 4) do
    local q = pairs_of[n]
    related[#related + 1] = {at = q.other.doc, key = "title",
      message = ("'%s' is another copy"):format(q.other.path)}
  end
  ctx.report{
    at = later.doc, key = "title",
    message = ("'%s' duplicates '%s' (%s); merge them into one document "
      .. "and retire the other with status: retired"):format(later.path,
      p.other.path, evidence_text(p)),
    related = related,
    frameworks = p.shared,
    subject = "duplicate:" .. later.path .. "|" .. p.other.path,
  }
end

-- ---- the check ----

local function entries_of(repo, k, vocab, df)
  local docs = {}
  for _, doc in ipairs(repo.documents or EMPTY) do
    if text.in_force(doc) then docs[#docs + 1] = doc end
  end
  local bits = #docs > SAMPLE_ABOVE and SAMPLE_BITS or 0
  local entries = {}
  for _, doc in ipairs(docs) do
    entries[#entries + 1] = {doc = doc, path = doc.path, type = doc.type,
      stem = text.strip_ext(doc.path),
      shingles = doc_shingles(doc, k, vocab, df, bits),
      reqs = requirement_list(doc)}
  end
  -- Paths compare without their extension: 'access.md' comes before
  -- 'access-v2.md'.
  table.sort(entries, function(a, b)
    if a.stem ~= b.stem then return a.stem < b.stem end
    return a.path < b.path
  end)
  return entries, 1 << bits
end

local function options(ctx)
  local o = ctx.options or {}
  return {
    k = math.max(1, math.floor(tonumber(o.shingle_size) or 5)),
    text = tonumber(o.text_threshold) or 0.8,
    reqs = tonumber(o.requirements_threshold) or 0.9,
    min_reqs = tonumber(o.min_requirements) or 5,
    min_size = tonumber(o.min_shingles) or 40,
    share = tonumber(o.boilerplate_share) or 0.05,
    min_docs = tonumber(o.boilerplate_min_docs) or 5,
  }
end

local function check(repo, ctx)
  local o = options(ctx)
  local vocab = {ids = {}, n = 0}
  local df = {}
  local entries, scale = entries_of(repo, o.k, vocab, df)
  if #entries < 2 then return end
  local min_size = o.min_size / scale
  local cap = math.max(o.min_docs, math.ceil(o.share * #entries))
  informative(entries, df, cap)
  for i, e in ipairs(entries) do e.index = i end
  local cand, order = {}, {}
  local function found(i, j)
    local key = i * (#entries + 1) + j
    if not cand[key] then
      cand[key] = true
      order[#order + 1] = {i, j}
    end
  end
  if o.text <= 1 then
    text_candidates(entries, postings(entries), o.text, min_size, found)
  end
  if o.reqs <= 1 then
    requirement_candidates(entries, o.reqs, o.min_reqs, found)
  end
  table.sort(order, function(x, y)
    if x[1] ~= y[1] then return x[1] < y[1] end
    return x[2] < y[2]
  end)
  local by_later, later_order = {}, {}
  for _, ij in ipairs(order) do
    local a, b = entries[ij[1]], entries[ij[2]]
    local shared = natural_sort(shared_requirements(a, b))
    local overlap = (a.size >= min_size and b.size >= min_size)
      and text_overlap(a, b) or 0
    local rs = #a.reqs >= o.min_reqs and #b.reqs >= o.min_reqs
      and jaccard(a, b, shared) or 0
    local p = {other = a, shared = shared, overlap = overlap,
               req_score = rs, by_text = overlap >= o.text,
               by_reqs = rs >= o.reqs}
    if p.by_text or p.by_reqs then
      if not by_later[b] then
        by_later[b] = {}
        later_order[#later_order + 1] = b
      end
      table.insert(by_later[b], p)
    end
  end
  for _, b in ipairs(later_order) do report(ctx, b, by_later[b]) end
end

return {
  id = "duplicate-policy",
  severity = "warning",
  summary = "two documents in force of the same type have near-identical "
    .. "text or cover the same requirements",
  frameworks = {"soc2", "iso27001"},
  options = {
    shingle_size = 5,
    text_threshold = 0.8,
    min_shingles = 40,
    requirements_threshold = 0.9,
    min_requirements = 5,
    boilerplate_share = 0.05,
    boilerplate_min_docs = 5,
  },
  check = check,
}
