-- job.lua -- the starter plugin's dossiers, scored with the national 766 index
-- for two communes of Lào Cai (02647 Phường Lào Cai, 02671).
return {
  name = "Plugin starter",
  period = "2025",
  scope = { "15" },
  sources = { { plugin = "example_dossiers", path = "dossiers.txt" } },
  rules = "national/index766",
  output = "out",
}
