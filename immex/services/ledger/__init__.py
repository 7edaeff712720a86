"""The Annex 24 ledger: master data, pedimentos and shipments imported (immex import …)."""
