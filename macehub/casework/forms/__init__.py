"""Forms for casework, by topic. Errors say what to do, next to the field; what was typed is kept."""
