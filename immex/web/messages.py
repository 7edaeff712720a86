"""Every word of the account pages, Spanish first (one catalog, keyed)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "es": {
        "title": "immex",
        "login": "Iniciar sesión",
        "email": "Correo electrónico",
        "password": "Contraseña",
        "sign_in": "Entrar",
        "sign_out": "Cerrar sesión",
        "wrong": "Correo o contraseña incorrectos.",
        "throttled": "Demasiados intentos fallidos: espere 15 minutos.",
        "csrf": "El formulario caducó; vuelva a intentarlo.",
        "account": "Mi cuenta",
        "companies": "Empresas",
        "role": "Rol",
        "change_password": "Cambiar contraseña",
        "current_password": "Contraseña actual",
        "new_password": "Contraseña nueva",
        "save": "Guardar",
        "password_changed": "Contraseña cambiada; inicie sesión de nuevo.",
        "signed_out": "Sesión cerrada.",
        "expires": "La cuenta vence el",
        "api_docs": "Documentación de la API",
        "lang_other": "English",
    },
    "en": {
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
    },
}


def messages(lang: str) -> dict[str, str]:
    return MESSAGES.get(lang, MESSAGES["es"])
