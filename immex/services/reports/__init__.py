"""The figures a report shows, gathered from the services (immex report)."""
