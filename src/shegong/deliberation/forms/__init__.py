"""Forms of deliberation."""
