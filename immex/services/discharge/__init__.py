"""FIFO discharge (``immex discharge``, ``balance``, ``expiry``): :mod:`.runs` runs it into
the append-only journal, :mod:`.journal` reads it, :mod:`.balances` gives lot balances and
the expiry watch, :mod:`.caveats` says what a figure leaves out, :mod:`.plant` loads what a
run reads and :mod:`.limits` the company's IMMEX time limits."""
