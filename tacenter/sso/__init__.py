"""Single sign-on with OpenID Connect for staff-side users (docs/identity.md)."""
