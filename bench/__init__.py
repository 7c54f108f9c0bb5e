"""Benchmarks of dtr-desktop against baselines taken in the same run.

``make bench`` runs ``python -m bench`` inside a private keyring session; each
measure lives in its own module and returns table rows.
"""
