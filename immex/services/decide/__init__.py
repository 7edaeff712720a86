"""Decide after production: what-if, the PROSEC advisor, the expiry plan, decree impact,
the program packs."""
