pcall(function() math.min = function() return 0 end end)
leaked = (leaked or 0) + 1
return leaked, 9