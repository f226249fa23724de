"""db: the studbook database (SQLAlchemy 2, SQLite or PostgreSQL).

Importing ``db`` loads nothing else; import the module you need:

- :mod:`db.session`: ``make_engine(url)``, ``make_session_factory(engine, user)``,
  ``session_scope(factory)`` (one unit of work; raises ``EditConflictError`` on stale writes).
- :mod:`db.migrate`: ``upgrade(engine)``, ``check(engine)``, ``require_current(engine)``.
- :mod:`db.opening`: ``open_studbook(url)``, an existing and current studbook or a clear reason.
- :mod:`db.importer`: ``check_studbook`` (validate only) and ``import_studbook`` (validate, then
  write everything in the caller's transaction), ``companion_files``.
- :mod:`db.exporter`: ``export_studbook(session, path, "csv" | "pmx" | "vortex")`` and the single
  writers (each also takes a text stream such as ``sys.stdout``).
- :mod:`db.repository`: ``load_records``, ``load_pedigree`` (for the genetics engine),
  ``load_events``, ``load_institutions``, ``load_studbook`` (the animals list, relatives,
  status and census: :class:`studbook.book.Studbook`), ``animal_version``.
- :mod:`db.editing`: ``record_birth``, ``record_death``, ``record_transfer``, ``record_release``,
  ``record_ltf``, ``record_contraception``, ``record_event``, ``edit_animal``,
  ``add_institution``, ``edit_institution``.
- :mod:`db.audit`: the audit log (``history``, ``imports``, ``set_user``).
- :mod:`db.errors`: ``EditConflictError``, ``InvalidEditError``, ``RecordNotFoundError``,
  ``DatabaseSchemaError`` (all ``studbook.errors.StudbookError``).
"""
