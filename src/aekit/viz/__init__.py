"""Figures (drawn on matplotlib ``Figure`` objects, never switching the user's backend) and the
HTML run report."""
