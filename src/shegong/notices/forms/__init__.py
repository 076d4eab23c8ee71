"""The forms of notices's pages."""
