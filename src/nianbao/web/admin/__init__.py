"""The admin area of the web app."""
