"""Post-event participant surveys: an anonymous link and QR code per event (docs/outcomes.md)."""
