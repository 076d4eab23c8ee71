"""Placeholder: pages built by the station management work package."""

from django.http import Http404


def placeholder(request, *args, **kwargs):
    raise Http404
