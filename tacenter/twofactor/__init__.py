"""Two-factor sign-in: TOTP, recovery codes, passkeys (docs/identity.md)."""
