"""Tables of the sat area (filled by its module owner)."""
