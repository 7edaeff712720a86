"""Illustrative sample data generators (synthetic, not real companies or operations)."""
