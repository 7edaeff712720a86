"""Repositories: every SQL statement of an area, behind a small interface (one per area)."""
