"""Curated data and its loaders: the entity registry, the vocabularies the assembler
needs, and the word lists every extractor reads (one YAML/TSV file per table, next to the
code that reads it). ``CURATION_DIR`` is the one path constant for them."""

from pathlib import Path

CURATION_DIR = Path(__file__).resolve().parent
