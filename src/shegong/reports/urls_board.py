"""Supervisor board, metrics and appointments (work package: metrics and board)."""

from django.urls import path

from .views import board as views_board

urlpatterns = [
    path("board/", views_board.board, name="board"),
    path("board/export/", views_board.metrics_export, name="metrics_export"),
    path("appointments/", views_board.appointments, name="appointments"),
    path("appointments/new/", views_board.appoint, name="appoint"),
    path("appointments/export/", views_board.appointments_export, name="appointments_export"),
    path("appointments/<int:pk>/end/", views_board.appointment_end, name="appointment_end"),
]
