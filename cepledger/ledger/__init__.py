"""The only code that touches ledger files.

``files`` (safe access), ``load`` (bytes -> TOML -> schema -> ``Member``), ``write``
(the locked, verified, atomic write protocol). Import the module you need: reading
never imports the write half.
"""
