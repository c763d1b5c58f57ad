"""The ledger area of the web app."""
