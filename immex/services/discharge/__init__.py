"""FIFO discharge runs, the append-only journal, balances and expiry.

(immex discharge, balance, expiry)
"""
