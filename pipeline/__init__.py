"""effikg: research abstracts on efficient ML and its hardware, as a knowledge graph."""

__version__ = "0.1.0"
