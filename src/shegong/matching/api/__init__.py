"""The API of matching under /api/v1/matching/ (lists, orders, standing orders)."""
