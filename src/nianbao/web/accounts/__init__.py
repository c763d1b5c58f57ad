"""Signing in and out, the home page, and the accounts service (users, rate-limited sign-in)."""
