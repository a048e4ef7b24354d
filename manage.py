#!/usr/bin/env python
"""Django's manage.py, for habit; `gongkai` is the documented entry point."""

from gongkai.cli import main

if __name__ == "__main__":
    main()
