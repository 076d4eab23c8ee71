"""URLs of volunteer hours: staff pages (under /volunteers/, namespace "volunteers"), H5 pages
(under /m/, namespace "volunteers_m") and public pages (under /public/, "volunteers_public")."""

from django.urls import path  # noqa: F401

staff_patterns: list = []
mobile_patterns: list = []
public_patterns: list = []
