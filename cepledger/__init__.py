"""cepledger: a command-line ledger of continuing-education credits."""

__version__ = "0.1.0"
