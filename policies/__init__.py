"""jiuzhu policies: the program catalog, dated regional parameters and the screening rules."""
