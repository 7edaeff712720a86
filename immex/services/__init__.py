"""Use cases: they own transactions and call the domain core and the adapters."""
