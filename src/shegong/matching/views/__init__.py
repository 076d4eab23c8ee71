"""Pages of matching: staff (dispatch board, lists, standing orders, statistics) and H5
(/m/) for residents and helpers."""
