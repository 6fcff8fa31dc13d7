"""planbot: drafts the annual work plan of a Chinese local education bureau."""

__version__ = "0.1.0"
