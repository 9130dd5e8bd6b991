"""Branchline: a call center in one box for a bank branch."""

__version__ = "0.1.0"
