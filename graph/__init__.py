"""cqkg: a buildable knowledge graph of the Chongqing Internet Development Report 2023."""

__version__ = "0.1.0"
