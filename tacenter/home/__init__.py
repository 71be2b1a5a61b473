"""Home: where each role lands, and the health check."""
