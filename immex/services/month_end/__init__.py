"""The month-end close: F4, 63-A and savings of a month in one place."""
