-- parscore/rules.lua -- the rule writer's library (docs/rules.md).
--
-- A rule file declares groups of criteria; this module turns the
-- declaration into a ruleset the engine calls once per unit:
--
--   local R = require("parscore.rules")
--   return R.ruleset{ id = ..., name = ..., total = 100, bands = R.bands(...),
--     R.group{ id = "1", name = "...", max = 20,
--       R.criterion{ id = "1.1", name = "...", max = 20, indicator = "on_time" },
--     },
--   }
--
-- Measures (values the records cannot show: self-assessment, appraisal, KPI
-- exports) are declared with R.measure and read as u.m[key]; bonus and
-- deduction criteria sit outside the groups (`bonus = {...}`,
-- `deduction = {...}`).
--
-- The engine (core/score/ps_score.c) reads `id`, `name`, `version`, `title`,
-- `bands`, `children_mean`, `measures` and calls `ruleset.score(u)` and
-- `ruleset.lint()`.  Ranking and bands are applied in C after all units.

local R = {}

local fmt = string.format

-- ---------------------------------------------------------------------
-- Formatting helpers (Vietnamese: decimal comma)

local function number_text(v, decimals)
  local s = fmt("%." .. (decimals or 1) .. "f", v)
  return (s:gsub("%.", ","))
end
R.number_text = number_text

-- 0.985 -> "98,5%"; whole percents lose their decimals ("99%").
function R.percent_text(ratio, decimals)
  local p = ratio * 100
  decimals = decimals or 1
  if math.abs(p - math.floor(p + 0.5)) < 1e-9 then
    return fmt("%d%%", math.floor(p + 0.5))
  end
  return number_text(p, decimals) .. "%"
end

-- ---------------------------------------------------------------------
-- Scoring functions: each returns function(ratio, max, u) -> points.

-- A wrong argument is the rule file's mistake: level 3 names the line of
-- the rule file that called R.linear & co. (bad_call <- R.x <- rule file),
-- not this library.
local function bad_call(msg) error(msg, 3) end
local function shown(v)
  if type(v) == "string" then return fmt("%q", v) end
  return tostring(v)
end

-- The step lists behind R.steps functions, for lint (weak: a function
-- nobody holds any more may go).
local STEP_LISTS = setmetatable({}, { __mode = "k" })

-- points = max x ratio
function R.ratio()
  return function(r, max) return max * r end
end

-- full marks from `threshold` up, proportional below:
-- points = min(max, max x ratio / threshold)
function R.capped(threshold)
  if not (type(threshold) == "number" and threshold > 0) then
    bad_call(fmt("R.capped(threshold): threshold must be a number > 0, got %s", shown(threshold)))
  end
  return function(r, max) return math.min(max, max * r / threshold) end
end

-- points = min(max, k x ratio), e.g. R.factor(2.5) for "min(2, 2.5 x tỷ lệ)"
function R.factor(k)
  if not (type(k) == "number" and k > 0) then
    bad_call(fmt("R.factor(k): k must be a number > 0, got %s", shown(k)))
  end
  return function(r, max) return math.min(max, k * r) end
end

-- 0 points at or below `low`, full marks at or above `high`, linear between
function R.linear(low, high)
  if not (type(low) == "number" and type(high) == "number" and high > low) then
    bad_call(fmt("R.linear(low, high) needs low < high, got R.linear(%s, %s)%s", shown(low),
                 shown(high), type(low) == "number" and type(high) == "number" and low > high
                 and " (for \"less is better\" use R.linear_down(best, worst))" or ""))
  end
  return function(r, max)
    if r <= low then return 0 end
    if r >= high then return max end
    return max * (r - low) / (high - low)
  end
end

-- for "less is better" ratios (e.g. the late share): full marks at or
-- below `best`, 0 at or above `worst`, linear between
function R.linear_down(best, worst)
  if not (type(best) == "number" and type(worst) == "number" and worst > best) then
    bad_call(fmt("R.linear_down(best, worst) needs best < worst, got R.linear_down(%s, %s)",
                 shown(best), shown(worst)))
  end
  return function(r, max)
    if r <= best then return max end
    if r >= worst then return 0 end
    return max * (worst - r) / (worst - best)
  end
end

-- bands of points: R.steps{ {0.99, 25}, {0.95, 15}, {0.90, 5} } gives the
-- points of the first threshold the ratio reaches (thresholds descending),
-- else 0
function R.steps(list)
  if type(list) ~= "table" or #list == 0 then bad_call("R.steps{ {threshold, points}, ... }") end
  for i, s in ipairs(list) do
    if type(s) ~= "table" or type(s[1]) ~= "number" or type(s[2]) ~= "number" then
      bad_call(fmt("R.steps: entry %d must be {threshold, points}", i))
    end
    if i > 1 and not (s[1] < list[i - 1][1]) then
      bad_call("R.steps: thresholds must be in descending order")
    end
  end
  local f = function(r)
    for _, s in ipairs(list) do
      if r >= s[1] then return s[2] end
    end
    return 0
  end
  STEP_LISTS[f] = list   -- lint compares the points with the criterion's max
  return f
end

-- full marks when the ratio reaches `threshold`, else 0
function R.all_or_nothing(threshold)
  if type(threshold) ~= "number" then
    bad_call(fmt("R.all_or_nothing(threshold): a number, got %s", shown(threshold)))
  end
  return function(r, max)
    if r >= threshold - 1e-12 then return max end
    return 0
  end
end

-- points = min(max, k x value): "0,5 điểm mỗi lần, tối đa 2 điểm" for a
-- count measure, a bonus or a deduction
function R.per(k)
  if not (type(k) == "number" and k > 0) then
    bad_call(fmt("R.per(k): k must be a number > 0, got %s", shown(k)))
  end
  return function(v, max) return math.min(max, k * v) end
end

-- ---------------------------------------------------------------------
-- Options (the job's rule_options, always text)

-- R.option_number("name", default): a number from rule_options, or the
-- default when absent; a value that is not a number is an error.
function R.option_number(name, default)
  local v = options and options[name]
  if v == nil or v == "" then return default end
  local n = tonumber(v)
  if n == nil then
    error(fmt("rule_options.%s must be a number, got '%s'", name, tostring(v)), 2)
  end
  return n
end

-- R.explain_elements(): lines for a SIPAS criterion's lost points, one per
-- survey element (yếu tố) with its satisfied share, lowest first.
function R.explain_elements()
  return function(u)
    local list = {}
    for _, e in ipairs(u.s.elements) do
      if e.value then list[#list + 1] = e end
    end
    table.sort(list, function(a, b)
      if a.value ~= b.value then return a.value < b.value end
      return tostring(a.code) < tostring(b.code)
    end)
    local lines = {}
    for i, e in ipairs(list) do
      lines[i] = fmt("Yếu tố %s: %s hài lòng", e.name, R.percent_text(e.value))
    end
    return lines
  end
end

-- R.bands(text_or_list [, default]): "90:Xuất sắc,80:Tốt,0:Yếu" -> list of
-- {min=, name=}, best first.  Checked by lint (sorted, no overlap).
function R.bands(spec, default)
  if spec == nil or spec == "" then spec = default end
  if spec == nil then return {} end
  local list = {}
  if type(spec) == "string" then
    -- split by hand: the sandbox refuses costly patterns on long texts
    local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end
    for item in spec:gmatch("[^,]+") do
      local colon = item:find(":", 1, true)
      local min = colon and tonumber(trim(item:sub(1, colon - 1)))
      local name = colon and trim(item:sub(colon + 1)) or ""
      if not min or name == "" then
        error(fmt("bands: '%s' is not MIN:NAME (e.g. \"90:Xuất sắc,80:Tốt,0:Yếu\")", item), 2)
      end
      list[#list + 1] = { min = min, name = name }
    end
  elseif type(spec) == "table" then
    for i, b in ipairs(spec) do
      local min, name = b.min or b[1], b.name or b[2]
      if type(min) ~= "number" or type(name) ~= "string" then
        error(fmt("bands: entry %d must be {min, name}", i), 2)
      end
      list[#list + 1] = { min = min, name = name }
    end
  else
    error("bands: a text \"90:Xuất sắc,...\" or a list of {min, name}", 2)
  end
  if ps and ps.where then list.__src, list.__line = ps.where(2) end
  return list
end

-- ---------------------------------------------------------------------
-- Declarations

local CRITERION, GROUP, RULESET = {}, {}, {}

-- The line that declared something, for lint findings: level 3 is the
-- rule file calling R.criterion / R.group / R.ruleset.
local function declared_at(t)
  if ps and ps.where then
    local src, line = ps.where(3)
    t.__src, t.__line = src, line
  end
  return t
end

function R.criterion(spec)
  assert(type(spec) == "table", "R.criterion{ id = ..., name = ..., max = ... }")
  declared_at(spec)
  return setmetatable(spec, CRITERION)
end

function R.group(spec)
  assert(type(spec) == "table", "R.group{ id = ..., name = ..., max = ..., criteria... }")
  declared_at(spec)
  local criteria = spec.criteria or {}
  for _, c in ipairs(spec) do criteria[#criteria + 1] = c end
  for i = #spec, 1, -1 do spec[i] = nil end
  spec.criteria = criteria
  return setmetatable(spec, GROUP)
end

-- R.measure{ key = "kpi", name = "Kết quả KPI", kind = "percent", min = 0,
--   max = 100, evidence = true, missing = 0 }: a value the rule set reads
-- from a measures source (u.m[key]).
local MEASURE = {}
local KINDS = { number = true, percent = true, yesno = true, count = true }
local KIND_RANGE = { percent = { 0, 100 }, yesno = { 0, 1 }, count = { 0, nil } }

function R.measure(spec)
  assert(type(spec) == "table", "R.measure{ key = ..., name = ..., kind = ... }")
  declared_at(spec)
  spec.kind = spec.kind or "number"
  local r = KIND_RANGE[spec.kind]
  if r then
    if spec.min == nil then spec.min = r[1] end
    if spec.max == nil then spec.max = r[2] end
  end
  return setmetatable(spec, MEASURE)
end

-- ---------------------------------------------------------------------
-- Lint: everything `parscore check` reports, also refused by a run.

local function where(t, fallback)
  if t and t.__src then return t.__src, t.__line end
  return fallback and fallback.__src, fallback and fallback.__line
end

local function near(a, b) return math.abs(a - b) < 1e-9 end

-- The keys each declaration may have: anything else is a typo that would
-- otherwise be ignored (`traget = 0.60`).  Extend these when a key is added.
local CRITERION_KEYS = { "id", "name", "max", "indicator", "compute", "award", "score", "zero",
  "zero_note", "target", "target_text", "lower_is_better", "examples", "format", "note",
  "show_ratio", "explain", "measure", "missing" }
local GROUP_KEYS = { "id", "name", "max", "criteria", "note" }
local RULESET_KEYS = { "id", "name", "version", "title", "total", "bands", "groups", "accepts",
  "eligible", "facts", "children_mean", "score", "lint", "measures", "bonus", "deduction",
  "total_cap", "bands_on" }
local MEASURE_KEYS = { "key", "name", "kind", "min", "max", "evidence", "missing", "no_evidence",
  "unit" }
R.CRITERION_KEYS, R.GROUP_KEYS, R.RULESET_KEYS = CRITERION_KEYS, GROUP_KEYS, RULESET_KEYS

-- The criterion keys of one Lua type, with what lint says when it is not.
local CRITERION_TYPES = {
  { "compute", "function", "compute must be a function(u) returning numerator, denominator" },
  { "award", "function", "award must be a function(u) returning points[, note]" },
  { "score", "function", "score must be a scoring function such as R.ratio() or R.capped(0.9)" },
  { "explain", "function", "explain must be a function(u, result) returning lines of text" },
  { "show_ratio", "boolean", "show_ratio must be true or false" },
  { "lower_is_better", "boolean", "lower_is_better must be true or false" },
  { "zero_note", "string", "zero_note must be a text" },
  { "target_text", "string", "target_text must be a text" },
  { "note", "string", "note must be a text" },
}

-- Edit distance with transpositions (optimal string alignment), for "did
-- you mean": `nmae` is one step from `name`.
local function distance(a, b)
  local d = {}
  for i = 0, #a do d[i] = { [0] = i } end
  for j = 0, #b do d[0][j] = j end
  for i = 1, #a do
    for j = 1, #b do
      local cost = a:byte(i) == b:byte(j) and 0 or 1
      local v = math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if i > 1 and j > 1 and a:byte(i) == b:byte(j - 1) and a:byte(i - 1) == b:byte(j) then
        v = math.min(v, d[i - 2][j - 2] + 1)
      end
      d[i][j] = v
    end
  end
  return d[#a][#b]
end

local function unknown_keys(t, allowed, add, what, add_key)
  local known = {}
  for _, k in ipairs(allowed) do known[k] = true end
  local bad = {}
  for k in pairs(t) do
    if type(k) == "string" and not known[k] and k:sub(1, 2) ~= "__" then bad[#bad + 1] = k
    elseif type(k) ~= "string" and type(k) ~= "number" then bad[#bad + 1] = tostring(k) end
  end
  table.sort(bad)
  for _, k in ipairs(bad) do
    local best, best_d
    for _, a in ipairs(allowed) do
      local d = distance(k, a)
      if not best_d or d < best_d then best, best_d = a, d end
    end
    local say = add_key and function(...) add_key(k, ...) end or add
    if best_d and best_d <= math.max(1, #k // 3) then
      say("%s: unknown key '%s' (did you mean '%s'?)", what, k, best)
    else
      say("%s: unknown key '%s' (known: %s)", what, k, table.concat(allowed, ", "))
    end
  end
end

-- max = 20 is right; "20", -20 and nil each get their own message.
local function check_max(v, add, what)
  if type(v) == "number" then
    if v < 0 or v ~= v then add("%s: max must be a number >= 0, got %s", what, tostring(v)) return false end
    return true
  end
  if v == nil then
    add("%s has no max (its points, a number >= 0)", what)
  elseif type(v) == "string" then
    add("%s: max must be a number, got the text \"%s\"%s", what, v,
        tonumber(v) and fmt(" (write max = %s)", v) or "")
  else
    add("%s: max must be a number, got a %s", what, type(v))
  end
  return false
end

local function lint(rs)
  local findings = {}
  local function add(t, fallback, msg, ...)
    local src, line = where(t, fallback)
    findings[#findings + 1] = { src = src, line = line, message = fmt(msg, ...) }
  end
  if type(rs.id) ~= "string" or rs.id == "" then add(rs, nil, "ruleset has no id") end
  if type(rs.name) ~= "string" or rs.name == "" then add(rs, nil, "ruleset has no name") end
  if #rs.groups == 0 then add(rs, nil, "ruleset has no groups") end
  -- `return R.ruleset{...}` is a tail call: Lua keeps no line for it, so
  -- the engine finds the key's line in the file (finding.key)
  unknown_keys(rs, RULESET_KEYS, function(...) add(rs, nil, ...) end, "ruleset",
               function(k, ...) add(rs, nil, ...); findings[#findings].key = k end)
  local seen, seen_groups, sum_groups = {}, {}, 0
  local measures = {}
  if rs.measures ~= nil and type(rs.measures) ~= "table" then
    add(rs, nil, "measures must be a list of R.measure{...}")
  end
  for i, m in ipairs(type(rs.measures) == "table" and rs.measures or {}) do
    local mname = fmt("measure '%s'", tostring(type(m) == "table" and m.key or i))
    if getmetatable(m) ~= MEASURE then
      add(rs, nil, "measures: entry %d is not an R.measure{...}", i)
      goto next_measure
    end
    if type(m.key) ~= "string" or m.key == "" or m.key:find("[^%w_%.%-]") then
      add(m, rs, "measure %d needs a key of letters, digits, '_', '.' or '-' (the ma_chi_tieu column)", i)
    elseif measures[m.key] then
      add(m, rs, "%s is declared twice", mname)
    else
      measures[m.key] = m
    end
    unknown_keys(m, MEASURE_KEYS, function(...) add(m, rs, ...) end, mname)
    if type(m.name) ~= "string" or m.name == "" then
      add(m, rs, "%s has no name (its Vietnamese label, printed in the template and on scorecards)", mname)
    end
    if not KINDS[m.kind] then
      add(m, rs, "%s: kind must be \"number\", \"percent\", \"yesno\" or \"count\", got '%s'",
          mname, tostring(m.kind))
    else
      if m.min ~= nil and type(m.min) ~= "number" then add(m, rs, "%s: min must be a number", mname) end
      if m.max ~= nil and type(m.max) ~= "number" then add(m, rs, "%s: max must be a number", mname) end
      if type(m.min) == "number" and type(m.max) == "number" and m.min > m.max then
        add(m, rs, "%s: min (%s) is above max (%s)", mname, tostring(m.min), tostring(m.max))
      end
      if m.kind == "percent" and ((type(m.min) == "number" and m.min < 0)
          or (type(m.max) == "number" and (m.max > 100 or m.max <= 1))) then
        add(m, rs, "%s: a percent is written 0..100 (95 for 95%%), so its range must lie in 0..100 " ..
            "and max = 1 would be a ratio", mname)
      end
      if m.kind == "yesno" and (m.min ~= 0 or m.max ~= 1) then
        add(m, rs, "%s: a yes/no measure is 0 or 1; leave min and max out", mname)
      end
      if m.kind == "count" and type(m.min) == "number" and m.min < 0 then
        add(m, rs, "%s: a count cannot be negative (min %s)", mname, tostring(m.min))
      end
    end
    if m.evidence ~= nil and type(m.evidence) ~= "boolean" then
      add(m, rs, "%s: evidence must be true or false (whether a document must back the value)", mname)
    end
    if m.missing ~= nil and type(m.missing) ~= "number" and m.missing ~= "fail" then
      add(m, rs, "%s: missing must be points (a number) or \"fail\"", mname)
    end
    if m.no_evidence ~= nil and type(m.no_evidence) ~= "number" then
      add(m, rs, "%s: no_evidence must be points (a number)", mname)
    end
    ::next_measure::
  end

  -- checks every criterion shares, in a group or among bonus/deduction;
  -- returns whether its max is a valid number
  local function lint_criterion(c, g, cname)
      if c.id ~= nil then
        if seen[c.id] then add(c, g, "%s is declared twice", cname) else seen[c.id] = true end
      end
      if type(c.name) ~= "string" or c.name == "" then add(c, g, "%s has no name", cname) end
      local function cadd(...) add(c, g, ...) end
      unknown_keys(c, CRITERION_KEYS, cadd, cname)
      local max_ok = check_max(c.max, cadd, cname)
      local steps = c.score ~= nil and STEP_LISTS[c.score]
      if steps and type(c.max) == "number" then
        for _, st in ipairs(steps) do
          if st[2] > c.max + 1e-9 then
            cadd("%s: R.steps gives %s points, more than its max %s", cname, tostring(st[2]),
                 tostring(c.max))
          elseif st[2] < 0 then
            cadd("%s: R.steps gives %s points, less than 0", cname, tostring(st[2]))
          end
        end
      end
      local sources = (c.indicator and 1 or 0) + (c.compute and 1 or 0) + (c.measure and 1 or 0)
      if c.indicator ~= nil then
        if type(c.indicator) ~= "string" or not ps.indicators[c.indicator] then
          add(c, g, "%s: unknown indicator key '%s' (docs/rules.md lists the keys)",
              cname, tostring(c.indicator))
        end
      end
      for _, kt in ipairs(CRITERION_TYPES) do
        local v = c[kt[1]]
        if v ~= nil and type(v) ~= kt[2] then add(c, g, "%s: %s", cname, kt[3]) end
      end
      if c.measure ~= nil then
        local m = measures[c.measure]
        if type(c.measure) ~= "string" or not m then
          add(c, g, "%s: measure '%s' is not declared in the rule set's measures = { R.measure{...} }",
              cname, tostring(c.measure))
        elseif c.target ~= nil and type(c.target) == "number" and type(m.max) == "number" then
          local top = m.kind == "percent" and m.max / 100 or m.max
          if c.target > top + 1e-12 then
            add(c, g, "%s: target %s can never be met: measure '%s' is at most %s%s", cname,
                tostring(c.target), m.key, tostring(m.max),
                m.kind == "percent" and " (a percent target is a ratio: 0.9 for 90%)" or "")
          end
        end
      end
      if c.missing ~= nil and (type(c.missing) ~= "number" or c.missing < 0
                               or (type(c.max) == "number" and c.missing > c.max)) then
        add(c, g, "%s: missing (points when the measure is not reported) must be between 0 and max", cname)
      end
      if sources > 1 then
        add(c, g, "%s: give one of indicator, compute or measure, not several", cname)
      elseif sources == 0 and c.award == nil then
        add(c, g, "%s: needs an indicator key, a measure, a compute function or an award function", cname)
      end
      if c.zero ~= nil and type(c.zero) ~= "function" and (type(c.zero) ~= "number" or c.zero < 0
                            or (type(c.max) == "number" and c.zero > c.max)) then
        add(c, g, "%s: zero (points when the denominator is 0) must be between 0 and max, "
            .. "or a function(u) returning them", cname)
      end
      if c.target ~= nil and type(c.target) ~= "number" then
        add(c, g, "%s: target must be a ratio such as 0.99", cname)
      elseif type(c.target) == "number" and (c.format == nil or c.format == "percent")
             and c.measure == nil and (c.target < 0 or c.target > 1) then
        -- a percentage written as a percent prints "≥ 9800%"
        add(c, g, "%s: target is a ratio 0..1, did you mean %s?", cname,
            c.target > 1 and c.target <= 100 and fmt("%g", c.target / 100) or "a value from 0 to 1")
      end
      if c.format ~= nil and type(c.format) ~= "function" and c.format ~= "percent"
         and c.format ~= "days" and c.format ~= "number" and c.format ~= "index" then
        add(c, g, "%s: format must be \"percent\", \"days\", \"number\", \"index\" or a function",
            cname)
      end
      if c.examples ~= nil then
        if type(c.examples) ~= "table" then
          add(c, g, "%s: examples must be a list of example keys", cname)
        else
          for _, k in ipairs(c.examples) do
            if not ps.examples[k] then
              add(c, g, "%s: unknown example list '%s'", cname, tostring(k))
            end
          end
        end
      end
      return max_ok
  end
  for gi, g in ipairs(rs.groups) do
    local gname = fmt("group '%s'", tostring(g.id or gi))
    if g.id ~= nil then
      if seen_groups[g.id] then add(g, rs, "%s is declared twice", gname) end
      seen_groups[g.id] = true
    end
    if type(g.id) ~= "string" and type(g.id) ~= "number" then add(g, rs, "group %d has no id", gi) end
    if type(g.name) ~= "string" then add(g, rs, "%s has no name", gname) end
    unknown_keys(g, GROUP_KEYS, function(...) add(g, rs, ...) end, gname)
    if g.max == nil then
      add(g, rs, "%s has no max (the group's points)", gname)
    elseif check_max(g.max, function(...) add(g, rs, ...) end, gname) then
      sum_groups = sum_groups + g.max
    end
    if #g.criteria == 0 then add(g, rs, "%s has no criteria", gname) end
    local sum = 0
    local all_max = true
    for ci, c in ipairs(g.criteria) do
      local cname = fmt("criterion '%s'", tostring(c.id or (gname .. " #" .. ci)))
      if getmetatable(c) ~= CRITERION and type(c) ~= "table" then
        add(g, rs, "%s: entry %d is not a criterion", gname, ci)
        goto continue
      end
      if c.id == nil then add(c, g, "criterion %d of %s has no id", ci, gname) end
      if lint_criterion(c, g, cname) then sum = sum + c.max else all_max = false end
      ::continue::
    end
    if type(g.max) == "number" and all_max and not near(sum, g.max) then
      add(g, rs, "%s: max is %s but its criteria add up to %s", gname,
          tostring(g.max), tostring(sum))
    end
  end
  for _, part in ipairs({ "bonus", "deduction" }) do
    local list = rs[part]
    for ci, c in ipairs(list) do
      local cname = fmt("%s criterion '%s'", part, tostring(type(c) == "table" and c.id or ci))
      if type(c) ~= "table" then
        add(rs, nil, "%s: entry %d is not a criterion", part, ci)
      else
        if c.id == nil then add(c, rs, "%s criterion %d has no id", part, ci) end
        lint_criterion(c, rs, cname)
      end
    end
  end
  if rs.total_cap ~= nil and (type(rs.total_cap) ~= "number" or rs.total_cap <= 0) then
    add(rs, nil, "total_cap must be a number > 0 (the highest final total, e.g. 100)")
  end
  if rs.bands_on ~= nil and rs.bands_on ~= "before" and rs.bands_on ~= "after" then
    add(rs, nil, "bands_on must be \"after\" (bands on the total with bonus and deduction, " ..
        "the default) or \"before\" (on the groups' total)")
  end
  if rs.total ~= nil then
    if type(rs.total) ~= "number" then
      add(rs, nil, "total must be a number")
    elseif not near(sum_groups, rs.total) then
      add(rs, nil, "total is %s but the groups add up to %s", tostring(rs.total), tostring(sum_groups))
    end
  end
  if rs.accepts ~= nil then
    -- a misspelt rule_options key would otherwise be silently ignored
    local known, unknown = {}, {}
    for _, k in ipairs(rs.accepts) do known[k] = true end
    for k in pairs(options or {}) do
      if not known[k] then unknown[#unknown + 1] = tostring(k) end
    end
    table.sort(unknown)
    for _, k in ipairs(unknown) do
      add(rs, nil, "rule_options.%s is not an option of this rule set (it accepts: %s)",
          k, table.concat(rs.accepts, ", "))
    end
  end
  local bands = rs.bands
  local function band_problem(...) add(bands, rs, ...) end
  if type(bands) ~= "table" or #bands == 0 then
    add(rs, nil, "ruleset has no bands (e.g. bands = R.bands(options.bands, "
        .. "\"90:Xuất sắc,80:Tốt,65:Khá,50:Trung bình,0:Yếu\")): every card would say \"—\"")
    bands = {}
  end
  local sorted = true
  for i, b in ipairs(bands) do
    if type(b.min) ~= "number" or type(b.name) ~= "string" or b.name == "" then
      sorted = false
      band_problem("band %d must have a min and a name", i)
    elseif i > 1 and type(bands[i - 1].min) == "number" then
      local prev = bands[i - 1]
      if b.min == prev.min then
        band_problem("bands '%s' and '%s' overlap: both start at %s", prev.name, b.name, tostring(b.min))
      elseif b.min > prev.min then
        sorted = false
        band_problem("bands are not sorted best first: '%s' (%s) comes after '%s' (%s)",
                     b.name, tostring(b.min), prev.name, tostring(prev.min))
      end
    end
  end
  local last = bands[#bands]
  if sorted and last and last.min > 0 then
    -- a total below the lowest minimum would get no band at all ("—")
    band_problem("the lowest band '%s' starts at %s: add a band starting at 0 so that every "
                 .. "total gets one", tostring(last.name), tostring(last.min))
  end
  return findings
end

-- ---------------------------------------------------------------------
-- Scoring one unit

local function default_zero_note(points, max)
  if max > 0 and near(points, max) then return "Không phát sinh: đủ điểm" end
  if near(points, 0) then return "Không phát sinh: 0 điểm" end
  return "Không phát sinh: " .. number_text(points, 2) .. " điểm"
end

local function fail_in(c, msg)
  local src = c.__src and fmt("%s:%d: ", c.__src, c.__line) or ""
  error(fmt("%scriterion '%s': %s", src, tostring(c.id), msg), 0)
end

local function value_text(c, num, den, value)
  local f = c.format
  if value == nil then return nil end
  if type(f) == "function" then return f(num, den, value) end
  if f == "days" then return number_text(value, 1) .. " ngày" end
  if f == "number" then return number_text(value, 2) end
  -- an index (SIPAS) is a value, not a count: no "(1/1)" after it
  if f == "index" then return number_text(value, 2) end
  if c.show_ratio == false then return R.percent_text(value) end
  return nil
end

local function target_text(c)
  if c.target_text then return c.target_text end
  if type(c.target) == "number" then return "≥ " .. R.percent_text(c.target) end
  return nil
end

-- ---------------------------------------------------------------------
-- Measures of one unit: u.m[key] as the rules read it

-- 95.5 -> "95,5", 3 -> "3"
local function short_number(v)
  if near(v, math.floor(v + 0.5)) then return fmt("%d", math.floor(v + 0.5)) end
  local s = fmt("%.2f", v):gsub("0+$", "")
  return (s:gsub("%.", ","))
end

local function measure_text(d, v)
  if v == nil then return nil end
  if d.kind == "percent" then return short_number(v) .. "%" end
  if d.kind == "yesno" then return v >= 0.5 and "Có" or "Không" end
  return short_number(v) .. (d.unit and (" " .. d.unit) or "")
end
R.measure_text = measure_text

local ASSESSORS = { { "appraisal", "appraised", "thẩm định" }, { "system", "system", "hệ thống" },
                    { "self", "self", "tự đánh giá" } }

local function row_of(a)
  if not a then return nil end
  if a.line then return fmt("%s, dòng %d", a.source or "?", a.line) end
  return a.source
end

-- "2025-03-05" -> "05/03/2025"; other texts as they are
local function date_vn(s)
  local day = ps.date.parse(s)
  return day and ps.date.format(day, "vn") or s
end

local function evidence_of(a)
  if not a or not (a.evidence_doc or a.evidence_ref) then return nil end
  local parts = {}
  if a.evidence_doc then parts[#parts + 1] = a.evidence_doc end
  if a.evidence_date then parts[#parts + 1] = "ngày " .. date_vn(a.evidence_date) end
  if a.evidence_ref then parts[#parts + 1] = a.evidence_ref end
  return { doc = a.evidence_doc, date = a.evidence_date, ref = a.evidence_ref,
           text = table.concat(parts, ", ") }
end

-- Findings of one unit, grouped by issue: { issue = { count, examples } }
local function finding(q, issue, example)
  local f = q[issue]
  if not f then
    f = { issue = issue, count = 0, examples = {} }
    q[issue] = f
    q[#q + 1] = f
  end
  f.count = f.count + 1
  if #f.examples < 3 then f.examples[#f.examples + 1] = example end
end

-- One assessor's value, checked against the declaration: nil and the
-- reason when it cannot be used.
local function check_value(d, a, q, who)
  local where = row_of(a)
  local ex = fmt("%s (%s%s)", d.key, who, where and (", " .. where) or "")
  if a.value == nil then
    if a.text == nil then return nil end    -- a row with evidence but no value
    finding(q, "measure_kind_mismatch", ex)
    return nil, fmt("'%s' không phải %s", a.text,
                    d.kind == "yesno" and "có/không" or "một số")
  end
  local v = a.value
  if d.kind == "count" and not near(v, math.floor(v + 0.5)) then
    finding(q, "measure_kind_mismatch", ex)
    return nil, fmt("'%s' không phải số nguyên", a.text or short_number(v))
  end
  if d.kind == "yesno" and not (near(v, 0) or near(v, 1)) then
    finding(q, "measure_kind_mismatch", ex)
    return nil, fmt("'%s' không phải có/không", a.text or short_number(v))
  end
  if (d.min and v < d.min - 1e-9) or (d.max and v > d.max + 1e-9) then
    finding(q, "measure_out_of_range", ex)
    return nil, fmt("%s ngoài khoảng %s–%s", measure_text(d, v),
                    d.min and measure_text(d, d.min) or "…", d.max and measure_text(d, d.max) or "…")
  end
  return v
end

-- raw: u.m[key] from the engine ({ self = {...}, appraisal = {...}, system = {...} })
local function measure_view(d, raw, q)
  local m = { key = d.key, name = d.name, kind = d.kind, reported = false }
  local invalid
  for _, a in ipairs(ASSESSORS) do
    local r = raw and raw[a[1]]
    if r then
      m.reported = true
      local v, why = check_value(d, r, q, a[3])
      m[a[2]] = v
      m[a[2] .. "_text"] = r.text or measure_text(d, v)
      if v ~= nil and m.value == nil then
        m.value, m.source, m.row, m.text = v, a[1], row_of(r), r.text or measure_text(d, v)
        m.by = r.by
      elseif v == nil and why and not invalid then
        invalid = why
      end
    end
  end
  local self = raw and raw.self
  m.evidence = evidence_of(self) or evidence_of(raw and raw.appraisal) or evidence_of(raw and raw.system)
  if not m.reported then
    finding(q, "measure_not_reported", d.key)
  elseif m.value == nil then
    m.invalid = invalid or "không có giá trị"
  elseif d.evidence and m.source == "self" and not evidence_of(self) and not near(m.value, 0) then
    -- an unevidenced self-assessment is not accepted (appraised and
    -- system values stand on their own; a 0 or "Không" claims nothing
    -- and needs no document)
    m.no_evidence = true
    finding(q, "measure_no_evidence", fmt("%s (%s)", d.key, m.row or "?"))
  end
  return m
end

local function undeclared(_, key)
  error(fmt("u.m['%s']: measure '%s' is not declared in the rule set's measures", tostring(key),
            tostring(key)), 2)
end

-- Replaces the engine's u.m by the declared measures' views; keys the rule
-- set does not declare become findings.
local function prepare_measures(rs, u)
  local q = {}
  local raw = u.m or {}
  local view = {}
  for _, d in ipairs(rs.measures) do view[d.key] = measure_view(d, raw[d.key], q) end
  local unknown = {}
  for k in pairs(raw) do
    if not rs.__measures[k] then unknown[#unknown + 1] = k end
  end
  table.sort(unknown)
  for _, k in ipairs(unknown) do finding(q, "measure_unknown_key", k) end
  u.m = setmetatable(view, { __index = undeclared })
  return q
end

-- ---------------------------------------------------------------------
-- Criteria of one unit

-- Per-criterion constants, worked out once (on the first unit, after lint
-- has passed) rather than for every unit.
local DEFAULT_SCORE = R.ratio()
local function prepare(c, rs)
  c.__id = tostring(c.id)
  c.__score = c.score or DEFAULT_SCORE
  if c.measure then
    local d = rs.__measures[c.measure]
    c.__decl = d
    if c.target_text then c.__target = c.target_text
    elseif type(c.target) == "number" then
      c.__target = "≥ " .. measure_text(d, d.kind == "percent" and c.target * 100 or c.target)
    end
  else
    c.__target = target_text(c)
  end
  if c.examples then
    c.__lost = c.examples
  elseif type(c.indicator) == "string" and ps.indicators[c.indicator] then
    c.__lost = ps.indicators[c.indicator].examples
  end
end

-- A measure-based criterion: points from the measure's value (a percent
-- as a ratio, other kinds as they are), with the values and the reason for
-- lost points kept for the scorecard.
local function evaluate_measure(c, u, cr)
  local d = c.__decl
  local m = u.m[c.measure]
  local missing = c.missing
  if missing == nil then missing = d.missing end
  cr.measure = { key = d.key, kind = d.kind, reported = m.reported, source = m.source,
                 self_text = m.self_text, appraised_text = m.appraised_text,
                 system_text = m.system_text, evidence = m.evidence and m.evidence.text,
                 row = m.row }
  local r
  if m.value ~= nil then r = d.kind == "percent" and m.value / 100 or m.value end
  if not m.reported or m.invalid then
    if missing == "fail" then
      fail_in(c, fmt("measure '%s' %s (the rule set says missing = \"fail\")", d.key,
                     m.reported and ("is not valid: " .. m.invalid) or "is not reported"))
    end
    cr.points = type(missing) == "number" and missing or 0
    if m.reported then
      cr.note = "Giá trị không hợp lệ: " .. m.invalid
      cr.lost_reason = "Giá trị không hợp lệ (" .. m.invalid .. "), chấm như chưa báo cáo"
    else
      cr.note = "Chưa báo cáo"
      cr.lost_reason = "Chưa báo cáo: không có giá trị tự đánh giá, thẩm định hay của hệ thống"
    end
  elseif m.no_evidence then
    cr.points = d.no_evidence or 0
    cr.note = "Thiếu tài liệu kiểm chứng"
    cr.lost_reason = fmt("Thiếu tài liệu kiểm chứng cho giá trị tự đánh giá %s", m.text)
  else
    local p = c.__score(r, c.max, u)
    if type(p) ~= "number" or p ~= p then fail_in(c, "the scoring function returned no number") end
    cr.points = p
    if m.appraised ~= nil and m.self ~= nil and m.appraised < m.self - 1e-9 then
      cr.lost_reason = fmt("Thẩm định giảm từ %s (tự đánh giá) xuống %s",
                           measure_text(d, m.self), measure_text(d, m.appraised))
    else
      cr.lost_reason = fmt("Kết quả %s (%s)", measure_text(d, m.value),
                           m.source == "self" and "tự đánh giá" or
                           m.source == "system" and "hệ thống" or "thẩm định")
    end
  end
  cr.has_ratio = false
  cr.value_text = m.value ~= nil and measure_text(d, m.value) or "—"
  if c.target ~= nil and r ~= nil then cr.target_met = r >= c.target - 1e-12 end
end

local function evaluate(c, u, warnings)
  local cr = { id = c.__id, name = c.name, max = c.max, target = c.__target }
  local num, den, value
  if c.measure then
    evaluate_measure(c, u, cr)
  else
    if c.indicator then
      local ind = u.ind[c.indicator]
      num, den = ind.num, ind.den
    elseif c.compute then
      num, den = c.compute(u, options)
      if type(num) ~= "number" or type(den) ~= "number" then
        fail_in(c, "compute must return two numbers (numerator, denominator), got "
                .. type(num) .. ", " .. type(den))
      end
      if den < 0 or den ~= den or num ~= num then
        fail_in(c, fmt("compute returned %s / %s: the denominator must be a number >= 0",
                       tostring(num), tostring(den)))
      end
    end
    if den and den > 0 then value = num / den end
    if c.award then
      local p, note = c.award(u, options, num, den)
      if type(p) ~= "number" then fail_in(c, "award must return a number of points") end
      cr.points, cr.note = p, note
    elseif den == 0 or den == nil then
      local z, znote = c.zero, nil
      -- a function decides from the unit when "nothing to measure" is worth
      -- points (766's 6.2: only when the unit had no feedback at all)
      if type(z) == "function" then
        z, znote = z(u, options)
        if type(z) ~= "number" then fail_in(c, "zero must return a number of points[, note]") end
      end
      cr.points = z or 0
      cr.note = znote or c.zero_note or default_zero_note(cr.points, c.max)
    else
      local p = c.__score(value, c.max, u)
      if type(p) ~= "number" or p ~= p then fail_in(c, "the scoring function returned no number") end
      cr.points = p
    end
  end
  if cr.points > c.max + 1e-9 or cr.points < -1e-9 then
    -- kept within 0..max so totals stay meaningful, but said on the card
    -- and in the run's warnings: the rule needs fixing
    local raw = cr.points
    cr.points = math.max(0, math.min(c.max, raw))
    local by = c.award and "award" or (c.score and "the scoring function") or "the ratio"
    cr.note = fmt("Quy tắc tính ra %s điểm, ngoài khoảng 0–%s; ghi %s điểm", number_text(raw, 2),
                  number_text(c.max, 2), number_text(cr.points, 2))
    local src = c.__src and fmt("%s:%d: ", c.__src, c.__line) or ""
    warnings[#warnings + 1] = fmt("%scriterion '%s': %s gave %s points, outside 0..%s (kept %s)",
                                  src, c.__id, by, tostring(raw), tostring(c.max),
                                  tostring(cr.points))
  end
  if c.note and not cr.note then cr.note = c.note end
  if not c.measure then
    cr.has_ratio = den ~= nil
    cr.num, cr.den, cr.value = num or 0, den or 0, value
    cr.value_text = value_text(c, num, den, value)
    if c.target ~= nil and value ~= nil then
      if c.lower_is_better then cr.target_met = value <= c.target + 1e-12
      else cr.target_met = value >= c.target - 1e-12 end
    end
    cr.lost = c.__lost
  end
  if c.explain and cr.points < c.max - 1e-9 then
    -- lines for the lost-points appendix when no dossier list explains it
    local lines = c.explain(u, cr, options)
    if type(lines) == "table" then
      cr.explain = {}
      for i, l in ipairs(lines) do cr.explain[i] = tostring(l) end
    end
  end
  return cr
end

local function score(rs, u)
  local res = { groups = {}, criteria = {}, facts = {}, warnings = {}, total = 0, max = 0,
                scored = true }
  res.quality = prepare_measures(rs, u)
  for gi, g in ipairs(rs.groups) do
    local gp = 0
    for _, c in ipairs(g.criteria) do
      local cr = evaluate(c, u, res.warnings)
      cr.group = gi
      gp = gp + cr.points
      res.criteria[#res.criteria + 1] = cr
    end
    res.groups[gi] = { id = tostring(g.id), name = g.name, points = gp, max = g.max }
    res.total = res.total + gp
    res.max = res.max + g.max
  end
  -- bonus and deduction: outside the groups, added after them
  local adjust = { bonus = 0, deduction = 0 }
  for _, part in ipairs({ "bonus", "deduction" }) do
    for _, c in ipairs(rs[part]) do
      local cr = evaluate(c, u, res.warnings)
      cr.section = part
      adjust[part] = adjust[part] + cr.points
      res.criteria[#res.criteria + 1] = cr
    end
  end
  res.base_total = res.total
  res.bonus, res.deduction = adjust.bonus, adjust.deduction
  local final = res.total + adjust.bonus - adjust.deduction
  if rs.total_cap and final > rs.total_cap then final = rs.total_cap end
  if final < 0 then final = 0 end
  res.total = final
  res.band_total = rs.bands_on == "before" and res.base_total or final
  if rs.eligible then
    local ok, status = rs.eligible(u, options)
    res.scored = ok and true or false
    res.status = status
    if not res.scored then
      -- shown with its values but no points: not ranked, no band
      for _, g in ipairs(res.groups) do g.points = 0 end
      for _, cr in ipairs(res.criteria) do cr.points = 0; cr.lost = nil; cr.lost_reason = nil end
      res.total, res.base_total, res.bonus, res.deduction, res.band_total = 0, 0, 0, 0, 0
    end
  end
  if rs.facts then
    local facts = rs.facts(u, res, options)
    if type(facts) == "table" then
      for _, f in ipairs(facts) do
        res.facts[#res.facts + 1] = { tostring(f[1]), tostring(f[2]) }
      end
    end
  end
  return res
end

-- R.ruleset{ id=, name=, version=, title=, total=, bands=, groups... ,
--            accepts = { "bands", ... },   -- the rule_options it reads
--            measures = { R.measure{...}, ... },
--            bonus = { R.criterion{...} }, deduction = { R.criterion{...} },
--            total_cap = 100, bands_on = "after" | "before",
--            eligible = function(u) return ok, status end,
--            facts = function(u, result) return { {"Nhãn", "giá trị"}, ... } end,
--            children_mean = "Bình quân điểm các xã" }
function R.ruleset(spec)
  assert(type(spec) == "table", "R.ruleset{ id = ..., name = ..., groups... }")
  declared_at(spec)
  local groups = spec.groups or {}
  for _, g in ipairs(spec) do groups[#groups + 1] = g end
  for i = #spec, 1, -1 do spec[i] = nil end
  for i, g in ipairs(groups) do
    if getmetatable(g) ~= GROUP and type(g) == "table" then groups[i] = R.group(g) end
  end
  spec.groups = groups
  spec.measures = spec.measures or {}
  spec.bonus = spec.bonus or {}
  spec.deduction = spec.deduction or {}
  spec.__measures = {}
  if type(spec.measures) == "table" then
    for _, m in ipairs(spec.measures) do
      if type(m) == "table" and type(m.key) == "string" then spec.__measures[m.key] = m end
    end
  end
  spec.bands = spec.bands or {}
  if type(spec.bands) == "string" then spec.bands = R.bands(spec.bands) end
  spec.version = spec.version and tostring(spec.version) or nil
  local prepared = false
  spec.score = function(u)
    if not prepared then
      for _, g in ipairs(spec.groups) do
        for _, c in ipairs(g.criteria) do prepare(c, spec) end
      end
      for _, c in ipairs(spec.bonus) do prepare(c, spec) end
      for _, c in ipairs(spec.deduction) do prepare(c, spec) end
      prepared = true
    end
    return score(spec, u)
  end
  spec.lint = function() return lint(spec) end
  return setmetatable(spec, RULESET)
end

return R
