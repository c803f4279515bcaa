"""``python -m app`` runs the hitori command."""

import sys

from app.cli import main

sys.exit(main())
