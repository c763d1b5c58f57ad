"""The check area of the web app."""
