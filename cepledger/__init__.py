"""cepledger: a command-line ledger of continuing-education credits."""

__version__ = "0.1.0"

# Set by the command line (``__main__``): a ``cep`` process keeps every ledger it reads
# until it exits, so after a read the garbage collector may stop looking at those
# objects for good (``gc.freeze``, see ``store_read.parsed_member``). A program using
# the library keeps the default: nothing is frozen.
FREEZE_AFTER_READ = False
