#!/usr/bin/env python3
"""Stenogram: build, serve or check a transcript archive. See README.md."""
import os
import sys

from generator.cli import main

if __name__ == "__main__":
    code = main()
    # Leave without taking the archive apart object by object: the site and the cache
    # are on disk by now, and at 5,000 meetings the interpreter's own teardown takes
    # 2.5 s more after the build has finished.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a reader that went away (`| head`): nothing more to tell it
            pass
    os._exit(code)
