local m = getmetatable("")
if m then m.__index = {} end
return ("a"):len(), 2