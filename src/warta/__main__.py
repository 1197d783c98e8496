"""`python -m warta`."""

from .cli import main

main()
