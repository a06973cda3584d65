-- provinces/hue.lua -- Tiêu chí thi đua nâng cao chất lượng phục vụ, thành
-- phố Huế (100 điểm).  From the city's 2025 SIPAS plan: SIPAS results count
-- in emulation and reward; one-stop and inter-agency one-stop handling;
-- online reception and return of results; late dossiers inspected and
-- corrected.
--
-- rule_options:
--   min_respondents  SIPAS needs at least this many respondents (default 30);
--                    below it criterion 1.1 gives 0 points with a note
--   bands            default "90:Xuất sắc,80:Tốt,65:Khá,50:Trung bình,0:Yếu"

local R = require("parscore.rules")

local min_respondents = R.option_number("min_respondents", 30)

return R.ruleset{
  id = "provinces/hue",
  name = "Tiêu chí thi đua nâng cao chất lượng phục vụ — thành phố Huế",
  title = "Kết quả chấm điểm chất lượng phục vụ người dân, doanh nghiệp",
  version = "2025.1",
  total = 100,
  accepts = { "bands", "min_respondents" },
  bands = R.bands(options.bands, "90:Xuất sắc,80:Tốt,65:Khá,50:Trung bình,0:Yếu"),
  children_mean = "Bình quân điểm các đơn vị trực thuộc",

  R.group{ id = "1", name = "Sự hài lòng của người dân (SIPAS)", max = 30,
    R.criterion{ id = "1.1", name = "Chỉ số hài lòng SIPAS", max = 20,
      compute = function(u)
        if u.s.respondents < min_respondents or u.s.sipas == nil then return 0, 0 end
        return u.s.sipas, 1
      end,
      show_ratio = false, explain = R.explain_elements(),
      zero_note = string.format("Chưa đủ mẫu khảo sát (tối thiểu %d phiếu): 0 điểm", min_respondents) },
    R.criterion{ id = "1.2", name = "Đánh giá hài lòng trở lên khi nhận kết quả", max = 10,
      indicator = "rating_satisfied", score = R.capped(0.95), target = 0.95 },
  },

  R.group{ id = "2", name = "Một cửa, một cửa liên thông", max = 30,
    R.criterion{ id = "2.1", name = "Hồ sơ giải quyết trước hạn, đúng hạn", max = 20,
      indicator = "on_time" },
    R.criterion{ id = "2.2", name = "Trả kết quả đúng hẹn", max = 10,
      indicator = "returned_on_time", zero = 10 },
  },

  R.group{ id = "3", name = "Tiếp nhận và trả kết quả trực tuyến", max = 25,
    -- full marks when half the dossiers arrive online
    R.criterion{ id = "3.1", name = "Hồ sơ tiếp nhận trực tuyến", max = 10,
      indicator = "online_share", score = R.capped(0.50), target = 0.50 },
    R.criterion{ id = "3.2", name = "Hồ sơ trực tuyến toàn trình", max = 10,
      indicator = "full_online" },
    R.criterion{ id = "3.3", name = "Kết quả giải quyết điện tử", max = 5,
      indicator = "result_digitized" },
  },

  R.group{ id = "4", name = "Chấn chỉnh hồ sơ trễ hạn", max = 15,
    -- less is better: full marks at 1% late or less, 0 at 10% or more
    R.criterion{ id = "4.1", name = "Tỷ lệ hồ sơ trễ hạn", max = 10,
      indicator = "late", score = R.linear_down(0.01, 0.10),
      target = 0.01, lower_is_better = true, target_text = "≤ 1%", zero = 10 },
    R.criterion{ id = "4.2", name = "Hồ sơ trễ hạn có văn bản xin lỗi", max = 5,
      indicator = "apology", zero = 5 },
  },
}
