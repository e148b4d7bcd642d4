"""Voice notes in and voice replies out, offline."""
