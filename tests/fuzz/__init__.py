"""Coverage-guided fuzzing of every adapter's ``parse`` and of the router's record intake."""
