-- example_commune.lua -- the worked example of docs/rules.md section 1, kept
-- here so tests/unit/test_score_example.c proves the numbers the tutorial shows.
local R = require("parscore.rules")

return R.ruleset{
  id = "provinces/my_province",
  name = "Tiêu chí thi đua cấp xã",
  version = "2025.1",
  total = 100,
  accepts = { "bands" },
  bands = R.bands(options.bands, "90:Xuất sắc,80:Tốt,65:Khá,50:Trung bình,0:Yếu"),

  R.group{ id = "1", name = "Tiến độ giải quyết", max = 40,
    R.criterion{ id = "1.1", name = "Hồ sơ giải quyết đúng hạn", max = 40,
      indicator = "on_time", score = R.linear(0.90, 0.99), target = 0.99 },
  },
  R.group{ id = "2", name = "Sự hài lòng", max = 30,
    R.criterion{ id = "2.1", name = "Đánh giá hài lòng trở lên", max = 30,
      indicator = "rating_satisfied", score = R.capped(0.95), target = 0.95 },
  },
  R.group{ id = "3", name = "Trách nhiệm giải trình", max = 10,
    R.criterion{ id = "3.1", name = "Hồ sơ trễ hạn có văn bản xin lỗi", max = 10,
      indicator = "apology", zero = 10 },
  },
  R.group{ id = "4", name = "Dịch vụ công trực tuyến", max = 20,
    R.criterion{ id = "4.1", name = "Hồ sơ tiếp nhận trực tuyến", max = 20,
      indicator = "online_share", score = R.capped(0.50), target = 0.50 },
  },
}
