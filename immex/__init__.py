"""immex — assistant for Mexican IMMEX / PROSEC export manufacturers."""

__version__ = "0.1.0"
