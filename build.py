#!/usr/bin/env python3
"""Stenogram: build, serve or check a transcript archive. See README.md."""
import sys

from generator.cli import main

if __name__ == "__main__":
    sys.exit(main())
