"""The jurisdiction area of the web app."""
