"""Pelican settings for the no-op and one-edit rebuilds: the full build's
settings, loading the content cache the full build wrote."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: E402,F401,F403

LOAD_CONTENT_CACHE = True
