"""dtr-desktop: manage Docker private and trusted registry integrations."""

__version__ = "0.1.0"
