"""Parley: a desktop chat client for the Responses API."""

__version__ = "0.1.0"
APP_NAME = "Parley"
APP_ID = "parley"
