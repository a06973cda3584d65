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
-- The engine (core/score/ps_score.c) reads `id`, `name`, `version`, `title`,
-- `bands`, `children_mean` and calls `ruleset.score(u)` and
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
  "show_ratio", "explain" }
local GROUP_KEYS = { "id", "name", "max", "criteria", "note" }
local RULESET_KEYS = { "id", "name", "version", "title", "total", "bands", "groups", "accepts",
  "eligible", "facts", "children_mean", "score", "lint" }
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
      if c.id == nil then add(c, g, "criterion %d of %s has no id", ci, gname)
      elseif seen[c.id] then add(c, g, "%s is declared twice", cname)
      else seen[c.id] = true end
      if type(c.name) ~= "string" or c.name == "" then add(c, g, "%s has no name", cname) end
      local function cadd(...) add(c, g, ...) end
      unknown_keys(c, CRITERION_KEYS, cadd, cname)
      if check_max(c.max, cadd, cname) then
        sum = sum + c.max
      else
        all_max = false
      end
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
      local sources = (c.indicator and 1 or 0) + (c.compute and 1 or 0)
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
      if sources > 1 then
        add(c, g, "%s: give either indicator or compute, not both", cname)
      elseif sources == 0 and c.award == nil then
        add(c, g, "%s: needs an indicator key, a compute function or an award function", cname)
      end
      if c.zero ~= nil and type(c.zero) ~= "function" and (type(c.zero) ~= "number" or c.zero < 0
                            or (type(c.max) == "number" and c.zero > c.max)) then
        add(c, g, "%s: zero (points when the denominator is 0) must be between 0 and max, "
            .. "or a function(u) returning them", cname)
      end
      if c.target ~= nil and type(c.target) ~= "number" then
        add(c, g, "%s: target must be a ratio such as 0.99", cname)
      elseif type(c.target) == "number" and (c.format == nil or c.format == "percent")
             and (c.target < 0 or c.target > 1) then
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
      ::continue::
    end
    if type(g.max) == "number" and all_max and not near(sum, g.max) then
      add(g, rs, "%s: max is %s but its criteria add up to %s", gname,
          tostring(g.max), tostring(sum))
    end
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

-- Per-criterion constants, worked out once (on the first unit, after lint
-- has passed) rather than for every unit.
local DEFAULT_SCORE = R.ratio()
local function prepare(c)
  c.__id = tostring(c.id)
  c.__target = target_text(c)
  c.__score = c.score or DEFAULT_SCORE
  if c.examples then
    c.__lost = c.examples
  elseif type(c.indicator) == "string" and ps.indicators[c.indicator] then
    c.__lost = ps.indicators[c.indicator].examples
  end
end

local function evaluate(c, u, warnings)
  local cr = { id = c.__id, name = c.name, max = c.max, target = c.__target }
  local num, den
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
  local value
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
  cr.has_ratio = den ~= nil
  cr.num, cr.den, cr.value = num or 0, den or 0, value
  cr.value_text = value_text(c, num, den, value)
  if c.target ~= nil and value ~= nil then
    if c.lower_is_better then cr.target_met = value <= c.target + 1e-12
    else cr.target_met = value >= c.target - 1e-12 end
  end
  cr.lost = c.__lost
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
  if rs.eligible then
    local ok, status = rs.eligible(u, options)
    res.scored = ok and true or false
    res.status = status
    if not res.scored then
      -- shown with its values but no points: not ranked, no band
      for _, g in ipairs(res.groups) do g.points = 0 end
      for _, cr in ipairs(res.criteria) do cr.points = 0; cr.lost = nil end
      res.total = 0
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
  spec.bands = spec.bands or {}
  if type(spec.bands) == "string" then spec.bands = R.bands(spec.bands) end
  spec.version = spec.version and tostring(spec.version) or nil
  local prepared = false
  spec.score = function(u)
    if not prepared then
      for _, g in ipairs(spec.groups) do
        for _, c in ipairs(g.criteria) do prepare(c) end
      end
      prepared = true
    end
    return score(spec, u)
  end
  spec.lint = function() return lint(spec) end
  return setmetatable(spec, RULESET)
end

return R
