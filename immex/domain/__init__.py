"""The pure domain core: plain Python and the standard library only.

No SQL, HTTP, CLI, filesystem or clock in here (a test checks the imports).
"""
