"""The package version, kept in one place for hatchling and the facade."""

__version__ = "0.1.0"
