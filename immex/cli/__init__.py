"""Command-line entry point (Typer + Rich). Commands call services; no business rules here."""
