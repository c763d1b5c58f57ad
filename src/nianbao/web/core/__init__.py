"""What every area of the web app shares: settings, the database session, people and their scope, CSRF,
templates, errors and download headers."""
