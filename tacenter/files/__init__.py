"""Files attached to requests and replies: checked by content, stored outside the web root."""
