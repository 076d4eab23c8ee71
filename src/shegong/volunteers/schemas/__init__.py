"""The API contract of volunteer service: django-ninja ``Schema`` classes, one module per noun
(the same nouns as ``api/``). This package re-exports nothing."""
