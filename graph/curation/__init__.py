"""Curated data and its loaders. Takes the reviewed files of this folder (one YAML/TSV file per
table); gives typed, frozen rows to every stage that reads them.

A file read by two stages has one loader module here, used by both, so the two can never
disagree on what a row says or which rows are valid: ``units`` (units.yaml), ``qualifiers``
(qualifiers.yaml), ``indicators`` (indicators.yaml), ``labels`` (labels.yaml, the
indicator-label trimming rules), ``registry`` (entities.yaml and titles.yaml); the stage
loaders live here too: ``grammar`` (grammar.yaml and the script fold every loader folds its
words with), ``periods`` (periods.yaml), ``layout`` (layout.yaml), ``checks`` (checks.yaml)
and ``relations`` (relations.yaml), so every curated file has its loader next to it.
``vocabularies`` is the assembler's lookups on top of them (and themes.yaml). ``schema``
holds the checks every loader shares: a file that cannot be read, is not YAML or has a key of
the wrong shape is one ``InputError`` line starting with the file's name
(``schema.word_list`` is the one shape of a folded word list).
``CURATION_DIR`` is the one path constant for all of them.
"""

from pathlib import Path

CURATION_DIR = Path(__file__).resolve().parent
