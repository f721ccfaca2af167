"""The South East ambulance evidence book: shared calculations for every chapter."""

__version__ = "0.1.0"
