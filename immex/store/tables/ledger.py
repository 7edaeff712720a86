"""Tables of the ledger area (filled by its module owner)."""
