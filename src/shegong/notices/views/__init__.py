"""The pages of notices (filled by its parts)."""
