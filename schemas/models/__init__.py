"""The canonical data models, one module per concept: values, parts, events."""
