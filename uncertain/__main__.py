"""``python -m uncertain``: the command line, as the ``uncertain`` script runs it (where
the script is not on the PATH: a virtual environment not activated, ``pip install
--user``)."""

import sys

from uncertain.cli import main

sys.exit(main())
