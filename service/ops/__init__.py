"""What operators see: health, readiness, metrics, logs, traces."""
