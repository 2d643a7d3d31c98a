"""Exports (CSV, XLSX) of figures, funds, loans and rectification; bulk upload of figures."""
