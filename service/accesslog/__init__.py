"""Who read what: every request of another system, kept for auditors."""
