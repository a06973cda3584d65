-- provinces/khanh_hoa.lua -- Tiêu chí đánh giá chất lượng giải quyết thủ tục
-- hành chính, tỉnh Khánh Hòa (100 điểm).  From the province's 2025 PAR
-- plan: PAR and satisfaction indices, KPI of work results; digitising
-- dossiers and results; handling feedback and recommendations; receiving
-- dossiers regardless of administrative boundaries.  The two criteria the
-- dossier records cannot show are measures (a measures source, filled in
-- the template `parscore template JOB` writes):
--   kpi_ket_qua   percent, from the province's KPI software (he_thong)
--   phi_dia_gioi  percent of the unit's eligible procedures received
--                 regardless of administrative boundaries, self-assessed
--                 with the list published as evidence, then appraised
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

  measures = {
    R.measure{ key = "kpi_ket_qua", name = "Điểm KPI kết quả công việc (phần mềm KPI)",
      kind = "percent" },
    R.measure{ key = "phi_dia_gioi",
      name = "Tỷ lệ TTHC đủ điều kiện được tiếp nhận không phụ thuộc địa giới hành chính",
      kind = "percent", evidence = true },
  },

  R.group{ id = "1", name = "Kết quả giải quyết hồ sơ (KPI)", max = 30,
    R.criterion{ id = "1.1", name = "Hồ sơ giải quyết trước hạn, đúng hạn", max = 15,
      indicator = "on_time", target = 0.98 },
    R.criterion{ id = "1.2", name = "Hồ sơ đồng bộ lên Cổng DVCQG", max = 5,
      indicator = "synced" },
    R.criterion{ id = "1.3", name = "KPI kết quả công việc", max = 10,
      measure = "kpi_ket_qua", score = R.capped(0.90), target = 0.90 },
  },

  R.group{ id = "2", name = "Số hóa hồ sơ, kết quả giải quyết TTHC", max = 20,
    R.criterion{ id = "2.1", name = "Hồ sơ được số hóa thành phần", max = 10,
      indicator = "input_digitized" },
    R.criterion{ id = "2.2", name = "Kết quả giải quyết được số hóa", max = 10,
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

  R.group{ id = "5", name = "Tiếp nhận hồ sơ không phụ thuộc địa giới hành chính", max = 10,
    R.criterion{ id = "5.1", name = "TTHC được tiếp nhận không phụ thuộc địa giới hành chính",
      max = 10, measure = "phi_dia_gioi", target = 1.0, target_text = "100%" },
  },
}
