"""Duties: single F4/63-A computations, the month's F4 plan, 63-A and savings
(immex duty, f4, 63a, savings)."""
