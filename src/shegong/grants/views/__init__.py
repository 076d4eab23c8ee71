"""The pages of grants (filled by its parts)."""
