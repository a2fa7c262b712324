"""Extraction stages: entities (registry matching), metrics (rules), relations (rules)."""
