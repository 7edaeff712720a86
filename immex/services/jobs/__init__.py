"""Background jobs: long work (discharge runs) queued, run, and reported with progress."""
