"""Rates: loaded PROSEC/FTA/amendment rows, parameters, FIX/INPC series, the best lawful rate
(``immex rate``, ``immex rates load …``)."""
