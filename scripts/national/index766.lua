-- national/index766.lua -- Bộ chỉ số phục vụ người dân, doanh nghiệp
-- (Quyết định 766/QĐ-TTg), 100 điểm, in the six groups the National Public
-- Service Portal publishes.  Formulas: METHODOLOGY.md section A.
--
-- rule_options:
--   bands                 "90:Xuất sắc,80:Tốt,65:Khá,50:Trung bình,0:Yếu" (default)
--   digitisation_points   points (0..12) of the digitisation items that are not
--                         in the inputs, for provinces and the sub-units a job
--                         declares (departments); default 0.  Communes always
--                         get the 12 points (METHODOLOGY.md A).

local R = require("parscore.rules")

-- The 12 digitisation points the inputs cannot measure (certified
-- e-copies, reuse of digitised data, sharing, population database).
local OTHER_MAX = 12
local other_points = R.option_number("digitisation_points", 0)
if other_points < 0 or other_points > OTHER_MAX then
  error(string.format("rule_options.digitisation_points must be between 0 and %d, got %s",
                      OTHER_MAX, tostring(other_points)))
end

return R.ruleset{
  id = "national/index766",
  name = "Chỉ số phục vụ người dân, doanh nghiệp (766)",
  title = "Kết quả đánh giá chất lượng phục vụ người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công",
  version = "2025.1",
  total = 100,
  accepts = { "bands", "digitisation_points" },
  bands = R.bands(options.bands, "90:Xuất sắc,80:Tốt,65:Khá,50:Trung bình,0:Yếu"),
  children_mean = "Bình quân điểm các đơn vị trực thuộc",

  R.group{ id = "1", name = "Công khai, minh bạch", max = 18,
    R.criterion{ id = "1.1", name = "TTHC được công bố đúng hạn", max = 6,
      indicator = "publicity_announced" },
    R.criterion{ id = "1.2", name = "TTHC được cập nhật, công khai đúng hạn", max = 4,
      indicator = "publicity_updated" },
    R.criterion{ id = "1.3", name = "TTHC được công khai đầy đủ nội dung", max = 2,
      indicator = "publicity_full" },
    R.criterion{ id = "1.4", name = "Hồ sơ được đồng bộ lên Cổng DVCQG đúng thời gian thực", max = 6,
      indicator = "synced" },
  },

  R.group{ id = "2", name = "Tiến độ giải quyết", max = 20,
    R.criterion{ id = "2.1", name = "Hồ sơ giải quyết trước hạn, đúng hạn", max = 20,
      indicator = "on_time" },
  },

  R.group{ id = "3", name = "Dịch vụ công trực tuyến", max = 12,
    R.criterion{ id = "3.1", name = "Hồ sơ trực tuyến toàn trình", max = 12,
      indicator = "full_online" },
  },

  R.group{ id = "4", name = "Thanh toán trực tuyến", max = 10,
    R.criterion{ id = "4.1", name = "Hồ sơ có phí được thanh toán trực tuyến", max = 6,
      indicator = "paid_online" },
    -- min(2, 2,5 × tỷ lệ): full marks from 80% of the fee procedures
    R.criterion{ id = "4.2", name = "TTHC có phí có phát sinh thanh toán trực tuyến", max = 2,
      indicator = "fee_procs_paid", score = R.factor(2.5) },
    R.criterion{ id = "4.3", name = "TTHC có phí có phát sinh hồ sơ", max = 2,
      indicator = "fee_procs_used", score = R.factor(2.5) },
  },

  R.group{ id = "5", name = "Mức độ số hóa hồ sơ", max = 22,
    R.criterion{ id = "5.1", name = "Hồ sơ được cấp kết quả điện tử có giá trị pháp lý", max = 6,
      indicator = "result_digitized" },
    R.criterion{ id = "5.2", name = "Hồ sơ được số hóa thành phần hồ sơ", max = 4,
      indicator = "input_digitized" },
    R.criterion{ id = "5.3",
      name = "Chứng thực điện tử, tái sử dụng dữ liệu số hóa, chia sẻ dữ liệu, khai thác CSDL dân cư",
      max = OTHER_MAX,
      award = function(u)
        if u.level == "commune" then
          return OTHER_MAX, "Không có trong dữ liệu đầu vào: cấp xã tính đủ điểm"
        end
        return other_points, string.format(
          "Không có trong dữ liệu đầu vào: lấy từ cấu hình (rule_options.digitisation_points = %s, mặc định 0)",
          R.number_text(other_points, 0))
      end },
  },

  R.group{ id = "6", name = "Mức độ hài lòng", max = 18,
    R.criterion{ id = "6.1", name = "Phản ánh, kiến nghị được xử lý đúng hạn", max = 6,
      indicator = "feedback_on_time", zero = 6 },
    -- the ratio divides by answered items; METHODOLOGY gives the 6 points
    -- only to a unit that had no feedback at all, not to one that answered none
    R.criterion{ id = "6.2", name = "Mức độ hài lòng trong tiếp nhận, xử lý phản ánh, kiến nghị", max = 6,
      indicator = "feedback_satisfaction",
      zero = function(u)
        if u.f.received == 0 then return 6, "Không phát sinh: đủ điểm" end
        return 0, "Có phản ánh, kiến nghị nhưng chưa trả lời: 0 điểm"
      end },
    -- min(6, 6 × tỷ lệ / 0,90): full marks from 90% satisfied
    R.criterion{ id = "6.3", name = "Mức độ hài lòng trong giải quyết hồ sơ", max = 6,
      indicator = "dossier_satisfaction", score = R.capped(0.90), target = 0.90 },
  },
}
