"""The benchmark: a synthetic-store generator (`bench.generate`) and the measurements
against the budgets of DESIGN.md section 5 (`bench.run`)."""
