"""Delivery: the TA record of a request (activities delivered, the requester's survey)."""
