"""Oversight analytics: consistency of the figures, completion rankings and laggards."""
