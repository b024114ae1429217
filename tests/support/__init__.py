"""Helpers shared by the tests: real servers, a small demo form."""
