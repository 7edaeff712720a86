"""Rates: loaded PROSEC/FTA/amendment rows, parameters, FIX/INPC series, best lawful rate (immex rate, immex rates load …)."""
