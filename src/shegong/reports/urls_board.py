"""Supervisor board, metrics and appointments (work package: metrics and board)."""

from django.urls import path

from . import views_board

urlpatterns = [
    path("board/", views_board.placeholder, name="board"),
]
