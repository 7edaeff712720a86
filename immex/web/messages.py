"""Every word of the account pages (sign-in, password change; catalog keys
``web.account.*``): their English text here, every language in the message catalog."""

from __future__ import annotations

from immex.api.i18n import keyed_words

ENGLISH: dict[str, str] = {
    "title": "immex",
    "login": "Sign in",
    "email": "Email",
    "password": "Password",
    "sign_in": "Sign in",
    "sign_out": "Sign out",
    "wrong": "Wrong email or password.",
    "throttled": "Too many failed attempts: wait 15 minutes.",
    "csrf": "The form expired; try again.",
    "account": "My account",
    "companies": "Companies",
    "role": "Role",
    "change_password": "Change password",
    "current_password": "Current password",
    "new_password": "New password",
    "save": "Save",
    "password_changed": "Password changed; sign in again.",
    "signed_out": "Signed out.",
    "expires": "The account expires on",
    "api_docs": "API documentation",
    "lang_other": "Español",
    "role_admin": "Administrator",
    "role_specialist": "Specialist",
    "role_viewer": "Viewer",
    "role_auditor": "Auditor",
    "every_company": "every company",
}

#: ``messages(lang)``: the words in ``lang``
messages = keyed_words("web.account", ENGLISH)
