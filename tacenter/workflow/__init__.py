"""Workflow: the stages of a request, who may move it, assignment and the staff queue."""
