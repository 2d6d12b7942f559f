"""The demo: realistic traffic from all seven networks, and a live view of where it goes."""
