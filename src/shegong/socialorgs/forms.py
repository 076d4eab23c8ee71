"""The forms of the social-organization pages (the action validates; see views)."""
