"""Django forms of the volunteer-service pages, one module per noun; this package re-exports
nothing."""
