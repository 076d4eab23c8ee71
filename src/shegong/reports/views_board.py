"""Placeholder: pages built by the metrics and board work package."""

from django.http import Http404


def placeholder(request, *args, **kwargs):
    raise Http404
