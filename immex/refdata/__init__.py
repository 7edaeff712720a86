"""Reference data: builders that compile ``../shared/data`` into the tables shipped in
``immex/data`` (with ``manifest.json``), and run-time loaders of those tables."""
