"""Deployment support as a Django app: the system checks for a multi-process deployment (checks.py) and the
database cache table, created after every `gongkai migrate` (apps.py)."""
