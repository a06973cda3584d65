load("x = 5")()
return x or 1, 9