"""HTTP API (JSON) and web pages (Spanish first, English with ?lang=en).

Routes only translate HTTP to service calls; the services hold every rule.
"""
