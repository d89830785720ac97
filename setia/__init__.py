"""Setia: customer relationships and loyalty for small retail shops."""

__version__ = "0.1.0"
