"""The forms of grants's pages."""
