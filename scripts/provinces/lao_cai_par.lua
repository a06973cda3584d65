-- provinces/lao_cai_par.lua -- Bộ chỉ số cải cách hành chính (CCHC) cấp xã,
-- tỉnh Lào Cai (100 điểm, cộng điểm thưởng, trừ điểm).
--
-- The kind of plan it follows: the commune-level PAR index a province
-- issues each year by decision of its People's Committee, modelled on the
-- Ministry of Home Affairs' PAR Index (Chỉ số CCHC): the commune assesses
-- itself and attaches evidence documents, the Department of Home Affairs
-- (Sở Nội vụ) appraises, dossier figures come from the one-stop system and
-- satisfaction from the SIPAS survey; initiatives earn bonus points and
-- criticism costs points.  The fields and weights below are a
-- representative set of such a plan, not the text of one decision: copy
-- the file and put in your province's own.
--
-- Measures (filled in the template `parscore template JOB` writes):
--   ke_hoach_cchc        yes/no, evidence   the year's PAR plan issued on time
--   hoan_thanh_ke_hoach  percent, evidence  share of the plan's tasks completed
--   bao_cao_dung_han     count 0..4, evidence  quarterly PAR reports sent on time
--   tuyen_truyen         count              PAR propaganda sessions held
--   van_ban_ky_so        percent            outgoing documents signed digitally
--                                            (a system value: document system export)
--   sang_kien            count, evidence    PAR initiatives recognised (bonus)
--   phe_binh             count              times criticised for PAR (deduction)
--
-- rule_options:
--   bands  default "90:Xuất sắc,80:Tốt,65:Khá,50:Trung bình,0:Yếu"

local R = require("parscore.rules")

return R.ruleset{
  id = "provinces/lao_cai_par",
  name = "Bộ chỉ số cải cách hành chính cấp xã — tỉnh Lào Cai",
  title = "Kết quả xác định Chỉ số cải cách hành chính cấp xã",
  version = "2025.1",
  total = 100,
  total_cap = 100,          -- bonus cannot lift a commune above 100
  bands_on = "after",       -- bands on the total with bonus and deduction
  accepts = { "bands" },
  bands = R.bands(options.bands, "90:Xuất sắc,80:Tốt,65:Khá,50:Trung bình,0:Yếu"),
  children_mean = "Bình quân điểm các xã",

  measures = {
    R.measure{ key = "ke_hoach_cchc", name = "Ban hành kế hoạch CCHC năm đúng thời hạn",
      kind = "yesno", evidence = true },
    R.measure{ key = "hoan_thanh_ke_hoach", name = "Tỷ lệ nhiệm vụ của kế hoạch CCHC hoàn thành",
      kind = "percent", evidence = true },
    R.measure{ key = "bao_cao_dung_han", name = "Số báo cáo CCHC định kỳ (quý) gửi đúng hạn",
      kind = "count", min = 0, max = 4, evidence = true },
    R.measure{ key = "tuyen_truyen", name = "Số đợt tuyên truyền về CCHC",
      kind = "count", min = 0, max = 100 },
    R.measure{ key = "van_ban_ky_so", name = "Tỷ lệ văn bản đi được ký số",
      kind = "percent" },
    R.measure{ key = "sang_kien", name = "Số sáng kiến, giải pháp CCHC được công nhận",
      kind = "count", min = 0, max = 10, evidence = true },
    R.measure{ key = "phe_binh", name = "Số lần bị phê bình, nhắc nhở về CCHC",
      kind = "count", min = 0, max = 20 },
  },

  R.group{ id = "1", name = "Công tác chỉ đạo, điều hành CCHC", max = 20,
    R.criterion{ id = "1.1", name = "Ban hành kế hoạch CCHC năm đúng thời hạn", max = 4,
      measure = "ke_hoach_cchc" },
    R.criterion{ id = "1.2", name = "Mức độ hoàn thành kế hoạch CCHC", max = 8,
      measure = "hoan_thanh_ke_hoach", score = R.linear(0.50, 1.00), target = 1.0 },
    R.criterion{ id = "1.3", name = "Báo cáo CCHC định kỳ gửi đúng hạn", max = 4,
      measure = "bao_cao_dung_han", score = R.capped(4), target = 4, target_text = "4 báo cáo" },
    R.criterion{ id = "1.4", name = "Tuyên truyền về CCHC", max = 4,
      measure = "tuyen_truyen", score = R.capped(4), target = 4, target_text = "≥ 4 đợt" },
  },

  R.group{ id = "2", name = "Cải cách thủ tục hành chính", max = 40,
    R.criterion{ id = "2.1", name = "Hồ sơ giải quyết trước, đúng hạn", max = 15,
      indicator = "on_time", score = R.capped(0.98), target = 0.98 },
    R.criterion{ id = "2.2", name = "Hồ sơ trực tuyến toàn trình", max = 10,
      indicator = "full_online" },
    R.criterion{ id = "2.3", name = "Hồ sơ trễ hạn có văn bản xin lỗi", max = 5,
      indicator = "apology", zero = 5 },
    R.criterion{ id = "2.4", name = "Hồ sơ được số hóa thành phần", max = 10,
      indicator = "input_digitized" },
  },

  R.group{ id = "3", name = "Hiện đại hóa nền hành chính", max = 15,
    R.criterion{ id = "3.1", name = "Văn bản đi được ký số", max = 8,
      measure = "van_ban_ky_so", score = R.capped(0.90), target = 0.90 },
    R.criterion{ id = "3.2", name = "Kết quả giải quyết TTHC được số hóa", max = 7,
      indicator = "result_digitized" },
  },

  R.group{ id = "4", name = "Sự hài lòng của người dân, tổ chức", max = 25,
    R.criterion{ id = "4.1", name = "Chỉ số hài lòng SIPAS", max = 15,
      format = function(_, _, v) return R.percent_text(v) end,
      compute = function(u)
        if u.s.sipas == nil then return 0, 0 end
        return u.s.sipas, 1
      end },
    R.criterion{ id = "4.2", name = "Đánh giá hài lòng trở lên khi nhận kết quả", max = 10,
      indicator = "rating_satisfied", score = R.capped(0.95), target = 0.95 },
  },

  bonus = {
    R.criterion{ id = "T.1", name = "Sáng kiến, giải pháp CCHC được công nhận (1 điểm/sáng kiến)",
      max = 2, measure = "sang_kien", score = R.per(1) },
    R.criterion{ id = "T.2", name = "Hồ sơ giải quyết đúng hạn từ 99% trở lên", max = 1,
      indicator = "on_time", score = R.all_or_nothing(0.99) },
  },

  deduction = {
    R.criterion{ id = "D.1", name = "Hồ sơ trễ hạn không có văn bản xin lỗi (0,5 điểm/hồ sơ)",
      max = 2, award = function(u) return math.min(2, 0.5 * (u.d.late - u.d.late_with_apology)) end,
      examples = { "late_no_apology" } },
    R.criterion{ id = "D.2", name = "Bị phê bình, nhắc nhở về CCHC (1 điểm/lần)", max = 3,
      measure = "phe_binh", score = R.per(1) },
  },
}
