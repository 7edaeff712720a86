"""SAT data: Data Stage and archivo M imports, pedimento view, reconciliation.

``immex import datastage|m3``, ``immex pedimento show``, ``immex reconcile``.
"""
