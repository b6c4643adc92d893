"""Where the files the app reads at run time are: the installed wheel's copy, else the repository.

templates/, static/, migrations/, seeds/ and alembic.ini live at the repository's top level. A
wheel carries them inside the package, in tracker/_resources/ (pyproject.toml's force-include),
since an installed package has no repository around it.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
BUNDLED_ROOT = PACKAGE_DIR / "_resources"
REPOSITORY_ROOT = PACKAGE_DIR.parent

#: The folder holding templates/, static/, migrations/, seeds/ and alembic.ini.
PROJECT_ROOT = BUNDLED_ROOT if BUNDLED_ROOT.is_dir() else REPOSITORY_ROOT
TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
SEEDS_DIR = PROJECT_ROOT / "seeds"
ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"
