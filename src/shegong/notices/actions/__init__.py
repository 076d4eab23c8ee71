"""Every state change of public notices: ``notices`` (draft, publish, withdraw) and
``objections`` (object, assign, answer)."""
