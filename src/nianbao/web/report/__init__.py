"""The report area of the web app."""
