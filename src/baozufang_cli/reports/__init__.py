"""Pure report computations: ledger + as-of date + filters → ``Report``. No I/O, no clock."""
