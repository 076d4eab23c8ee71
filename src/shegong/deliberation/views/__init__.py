"""Pages of deliberation: staff (topic queue, meeting planner and sign-in, minutes, action
board, statistics), H5 (/m/) for residents, and the public accountability pages."""
