"""Tables of the rates area (filled by its module owner)."""
