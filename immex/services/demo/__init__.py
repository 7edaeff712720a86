"""The illustrative company's end-to-end run (immex demo)."""
