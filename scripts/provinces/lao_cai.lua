-- provinces/lao_cai.lua -- Tiêu chí thi đua cải cách hành chính cấp xã,
-- tỉnh Lào Cai (100 điểm).  Drawn from the province's targets for commune
-- one-stop departments: cut processing time by at least 30% against the
-- legal limit, at least 99% of dossiers on time, at least 95% of people
-- satisfied, no late return of documents, an apology letter for every late
-- dossier; plus full-process online dossiers.
--
-- Processing-time cut (criterion 1.1): 1 − working days taken / legal days
-- per finished dossier with a legal time limit.  The plan asks for the cut
-- averaged over the dossiers of each procedure, then over procedures
-- weighted by their dossier count.  Weighting each procedure's mean by its
-- number of dossiers gives exactly the mean over all dossiers
-- (Σp np·meanp / Σp np = Σ cuts / N), so this script uses the engine's
-- `processing_cut` indicator (cut_sum / cut_n) as that average.
--
-- rule_options:
--   bands  default "90:Hoàn thành xuất sắc nhiệm vụ,75:Hoàn thành tốt nhiệm vụ,
--                   50:Hoàn thành nhiệm vụ,0:Không hoàn thành nhiệm vụ"

local R = require("parscore.rules")

return R.ruleset{
  id = "provinces/lao_cai",
  name = "Tiêu chí thi đua cải cách thủ tục hành chính cấp xã — tỉnh Lào Cai",
  title = "Kết quả chấm điểm thi đua cải cách thủ tục hành chính",
  version = "2025.1",
  total = 100,
  accepts = { "bands" },
  bands = R.bands(options.bands, "90:Hoàn thành xuất sắc nhiệm vụ,75:Hoàn thành tốt nhiệm vụ,"
                  .. "50:Hoàn thành nhiệm vụ,0:Không hoàn thành nhiệm vụ"),
  children_mean = "Bình quân điểm các xã",

  R.group{ id = "1", name = "Cải cách thủ tục hành chính", max = 45,
    -- full marks at a 30% average cut, proportional below
    R.criterion{ id = "1.1", name = "Thời gian giải quyết được cắt giảm so với quy định", max = 20,
      indicator = "processing_cut", score = R.capped(0.30), target = 0.30,
      zero_note = "Không có hồ sơ có thời hạn giải quyết theo quy định: 0 điểm" },
    -- 0 points at 90% or below, 25 points at 99%, linear between
    R.criterion{ id = "1.2", name = "Hồ sơ giải quyết trước hạn, đúng hạn", max = 25,
      indicator = "on_time", score = R.linear(0.90, 0.99), target = 0.99 },
  },

  R.group{ id = "2", name = "Sự hài lòng của người dân", max = 20,
    R.criterion{ id = "2.1", name = "Đánh giá hài lòng trở lên", max = 20,
      indicator = "rating_satisfied", score = R.capped(0.95), target = 0.95,
      zero_note = "Chưa có đánh giá của người dân: 0 điểm" },
  },

  R.group{ id = "3", name = "Trách nhiệm giải trình", max = 25,
    -- any late return costs the whole criterion
    R.criterion{ id = "3.1", name = "Không trả kết quả muộn", max = 15,
      indicator = "returned_on_time", score = R.all_or_nothing(1), target = 1,
      target_text = "100%", zero = 15 },
    R.criterion{ id = "3.2", name = "Hồ sơ trễ hạn có văn bản xin lỗi", max = 10,
      indicator = "apology", target = 1, target_text = "100%", zero = 10,
      zero_note = "Không có hồ sơ trễ hạn: đủ điểm" },
  },

  R.group{ id = "4", name = "Chuyển đổi số", max = 10,
    R.criterion{ id = "4.1", name = "Hồ sơ trực tuyến toàn trình", max = 10,
      indicator = "full_online" },
  },

  facts = function(u)
    local facts = {}
    local ge = u.ind.cut_ge30
    if ge.den > 0 then
      facts[#facts + 1] = { "Hồ sơ cắt giảm từ 30% thời gian trở lên",
                            string.format("%d/%d (%s)", ge.num, ge.den, R.percent_text(ge.value)) }
    end
    local days = u.ind.processing_days
    if days.den > 0 then
      facts[#facts + 1] = { "Thời gian giải quyết bình quân",
                            R.number_text(days.value, 1) .. " ngày làm việc" }
    end
    return facts
  end,
}
