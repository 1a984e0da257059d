"""Readers for farm, Natura 2000, region and overloaded-list files."""
