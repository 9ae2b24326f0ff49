"""The only code that touches ledger files.

Reading: ``files`` (safe access: regular, small files only) -> ``parse`` (TOML 1.0 text ->
document, line numbers) -> ``schema`` (document -> ``Member`` + problems, every field
checked once) -> ``load`` (the entry point: ``load_member``, ``inspect_file``).
Writing: ``edit`` (new fragments rendered by tomlkit, spliced into the old bytes) ->
``verify`` (the result re-read and compared) -> ``write`` (lock, temp file, fsync,
atomic rename; the public writers). ``importer`` plans CSV imports, ``evidence`` hashes
evidence files.

Import the module you need: reading never imports the write half (nor tomlkit).
"""
