-- provinces/khanh_hoa.lua -- Tiêu chí đánh giá chất lượng giải quyết thủ tục
-- hành chính, tỉnh Khánh Hòa (100 điểm).  From the province's 2025 PAR
-- plan: PAR and satisfaction indices, KPI of work results; digitising
-- dossiers and results; handling feedback and recommendations.  Receiving
-- dossiers regardless of administrative boundaries is in the plan but not
-- in the inputs, so it is not scored here.
--
-- rule_options:
--   bands  default "90:Xuất sắc,80:Tốt,65:Khá,50:Trung bình,0:Yếu"

local R = require("parscore.rules")

return R.ruleset{
  id = "provinces/khanh_hoa",
  name = "Tiêu chí đánh giá chất lượng giải quyết TTHC — tỉnh Khánh Hòa",
  title = "Kết quả đánh giá chất lượng giải quyết thủ tục hành chính",
  version = "2025.1",
  total = 100,
  accepts = { "bands" },
  bands = R.bands(options.bands, "90:Xuất sắc,80:Tốt,65:Khá,50:Trung bình,0:Yếu"),
  children_mean = "Bình quân điểm các đơn vị trực thuộc",

  R.group{ id = "1", name = "Kết quả giải quyết hồ sơ (KPI)", max = 30,
    R.criterion{ id = "1.1", name = "Hồ sơ giải quyết trước hạn, đúng hạn", max = 25,
      indicator = "on_time", target = 0.98 },
    R.criterion{ id = "1.2", name = "Hồ sơ đồng bộ lên Cổng DVCQG", max = 5,
      indicator = "synced" },
  },

  R.group{ id = "2", name = "Số hóa hồ sơ, kết quả giải quyết TTHC", max = 30,
    R.criterion{ id = "2.1", name = "Hồ sơ được số hóa thành phần", max = 15,
      indicator = "input_digitized" },
    R.criterion{ id = "2.2", name = "Kết quả giải quyết được số hóa", max = 15,
      indicator = "result_digitized" },
  },

  R.group{ id = "3", name = "Tiếp nhận, xử lý phản ánh, kiến nghị", max = 20,
    R.criterion{ id = "3.1", name = "Phản ánh, kiến nghị xử lý đúng hạn", max = 10,
      indicator = "feedback_on_time", zero = 10 },
    R.criterion{ id = "3.2", name = "Hài lòng về xử lý phản ánh, kiến nghị", max = 10,
      indicator = "feedback_satisfaction", zero = 10 },
  },

  R.group{ id = "4", name = "Mức độ hài lòng", max = 20,
    R.criterion{ id = "4.1", name = "Hài lòng trong giải quyết hồ sơ", max = 10,
      indicator = "dossier_satisfaction", score = R.capped(0.90), target = 0.90 },
    -- a custom indicator from the same aggregates: satisfied presses at
    -- the kiosk and satisfied online ratings, pooled
    R.criterion{ id = "4.2", name = "Hài lòng qua kiosk và đánh giá trực tuyến", max = 10,
      compute = function(u)
        return u.k.level[1] + u.k.level[2] + u.d.rating[1] + u.d.rating[2],
               u.k.total + u.d.rated
      end,
      examples = { "unsatisfied" } },
  },
}
