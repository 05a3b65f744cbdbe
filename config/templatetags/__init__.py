"""Template tags for the site-wide templates (templates/includes/)."""
