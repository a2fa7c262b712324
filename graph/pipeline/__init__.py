"""The build pipeline, one module per stage: sources -> ingest (clean text and an offset
map to the raw bytes) -> segment -> extract (entities, figures, relations) -> assemble (RDF) ->
checks -> validate (SHACL and quote checks gate the build) -> export. ``run.run`` drives them;
it takes a sources root and gives a validated ``build/`` directory or an ``InputError``, and
``report`` writes what the build made. A stage too large for one module is split by what its
parts do, named ``<stage>_<part>.py`` (``ingest_rules``, ``assemble_observations``,
``checks_sentences`` ...); ``<stage>.py`` stays its entry point."""
