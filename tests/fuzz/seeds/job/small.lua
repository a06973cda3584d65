return { period = "2025-Q1", sources = { { plugin = "kiosk", path = "k.csv" } }, rules = "r.lua" }
