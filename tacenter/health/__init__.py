"""Signs of life of the background services (workers and beat), read by /healthz."""
