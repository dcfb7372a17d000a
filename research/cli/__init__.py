"""The ``research`` command: the package's analyses on an export, from the shell.

``research <command> --help`` describes each command. Every command reads the user's file
with its own column names (options mirror the functions' ``*_col`` parameters), writes a CSV,
shows progress on long work on stderr, and on a user error (a missing column, an unreadable
file, a bad option) prints one line ``research <command>: error: ...`` on stderr and exits
with a non-zero status, without a traceback.

=========  ==================================================================================
fetch      download and verify the public datasets, or say where to put the manual ones
segment    RFM summary, named segments and clusters per customer, from transactions
clv        lifetime value per customer (BG/NBD and Gamma-Gamma), from transactions
score      lead scores (and ``--save`` / ``--model`` a scorer), from a lead export
terms      the words that set one group of messages apart from another
funnel     stage conversion, from a CRM export
report     execute the notebooks and write the HTML reports, with ``-p NAME=VALUE``
=========  ==================================================================================
"""

from research.cli.main import main

__all__ = ["main"]
