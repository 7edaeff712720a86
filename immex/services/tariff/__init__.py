"""The tariff look-up (immex tariff …)."""
