"""What the bundled reference data is (immex refdata …)."""
