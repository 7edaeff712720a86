"""Web pages: sign-in, sign-out, password change (the month-end pages build on them)."""
