-- national/sipas.lua -- Chỉ số hài lòng của người dân, tổ chức đối với sự
-- phục vụ của cơ quan hành chính nhà nước (SIPAS), METHODOLOGY.md section B.
--
-- Points = 100 × SIPAS, where SIPAS is the mean of the element indices and
-- an element index the mean of its criterion indices (share of answers at
-- or above the form's "satisfied" level; blanks, unanswered criteria and
-- empty elements left out) -- computed by the engine (ps_sipas_compute)
-- and read here as u.s.sipas.
--
-- rule_options:
--   min_respondents  units with fewer respondents are shown as
--                    "Chưa đủ mẫu (n/30 phiếu)", not scored (default 30)
--   bands            default "90:Rất hài lòng,80:Hài lòng,65:Khá,50:Trung bình,0:Chưa hài lòng"

local R = require("parscore.rules")

local min_respondents = R.option_number("min_respondents", 30)

return R.ruleset{
  id = "national/sipas",
  name = "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)",
  title = "Kết quả đo lường sự hài lòng của người dân, tổ chức (SIPAS)",
  version = "2025.1",
  total = 100,
  accepts = { "bands", "min_respondents" },
  bands = R.bands(options.bands,
                  "90:Rất hài lòng,80:Hài lòng,65:Khá,50:Trung bình,0:Chưa hài lòng"),

  R.group{ id = "sipas", name = "Chỉ số SIPAS", max = 100,
    R.criterion{ id = "sipas", name = "Chỉ số hài lòng SIPAS (bình quân các yếu tố)", max = 100,
      -- the index is already a ratio: numerator = index, denominator = 1
      -- (0 when no element was answered, which gives 0 points)
      compute = function(u)
        if u.s.sipas == nil then return 0, 0 end
        return u.s.sipas, 1
      end,
      show_ratio = false, explain = R.explain_elements() },
    -- shown for information, no points
    R.criterion{ id = "overall", name = "Tỷ lệ hài lòng chung (câu hỏi tổng thể)", max = 0,
      indicator = "survey_overall" },
    R.criterion{ id = "kiosk", name = "Tỷ lệ bấm nút hài lòng trở lên tại bộ phận một cửa", max = 0,
      indicator = "kiosk_satisfied" },
  },

  eligible = function(u)
    local n = u.s.respondents
    if n < min_respondents then
      return false, string.format("Chưa đủ mẫu (%d/%d phiếu)", n, min_respondents)
    end
    return true
  end,

  facts = function(u)
    local facts = {
      { "Số phiếu khảo sát", string.format("%d", u.s.respondents) },
    }
    for _, e in ipairs(u.s.elements) do
      facts[#facts + 1] = { "Yếu tố: " .. e.name,
                            e.value and R.percent_text(e.value) or "không có câu trả lời" }
    end
    facts[#facts + 1] = { "Số lượt đánh giá qua kiosk", string.format("%d", u.k.total) }
    return facts
  end,
}
