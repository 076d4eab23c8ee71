"""The demo of grants (``calls``: the seed's 8 funded projects, ¥120,000) and of community
funds (``funds``: a fund with 100+ resources and 9 projects)."""
