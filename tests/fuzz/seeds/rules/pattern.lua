local s = string.rep("a", 990)
for i = 1, 60 do s:find(".-.-b") end
return 1, 1