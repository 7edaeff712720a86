"""Accounts: users, roles per company, passwords, tokens, sign-in and the audit trail."""
