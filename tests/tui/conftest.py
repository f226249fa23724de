"""Temporary studbook databases for the UI tests, filled by the importer.

``db_url`` holds a small studbook written here whose animals the flow tests name: wild
founders, an unknown parent, a MULT sire, a dead animal, transfers, a flagged founder.
``fixture_db_url`` holds the project fixture (``fixtures/amur_leopard*.csv``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.assumptions import import_assumption_sets
from db.importer import companion_file, import_studbook
from db.migrate import upgrade
from db.session import make_engine, make_session_factory, session_scope
from db.settings import import_settings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

PEDIGREE = """\
id,sire,dam,sex,birth_date,birth_type,death_date,alive,location,house_name,flags
1,WILD,WILD,M,1990-05-01,wild,2012-03-01,0,TALLINN,Old Amur,
2,WILD,WILD,F,1991-04-10,wild,2014-01-01,0,TALLINN,Tiara,non-amur
3,WILD,WILD,M,1992-06-01,wild,,1,MOSCOW,Taiga,
4,WILD,WILD,F,1993-03-01,wild,,1,MOSCOW,Kira,
5,1,2,M,1995-07-13,captive,,1,TALLINN,Freddi,
6,1,2,F,1997-05-02,captive,,1,HELSINKI,Sasha,
7,3,4,F,2004-04-17,captive,,1,TALLINN,Darla,
8,3,4,M,2005-06-01,captive,,1,PRAGUE,Ural,
9,5,7,M,2012-05-20,captive,,1,ERIE,Amur,
10,5,7,F,2012-05-20,captive,,1,MARWELL,Zeya,
11,5:0.5|8:0.5,6,F,2014-06-01,captive,,1,HELSINKI,Nika,
12,UNK,4,M,2015-07-01,captive,,1,MOSCOW,Bars,
13,9,10,F,2018-04-01,captive,,1,ERIE,Luna,
14,8,6,M,2019-05-05,captive,,1,PRAGUE,Timur,
15,12,11,F,2021-06-01,captive,,1,HELSINKI,Mira,
"""

EVENTS = """\
id,date,event,institution,local_id,cause
1,1990-05-01,capture,TALLINN,T1,
1,2012-03-01,death,TALLINN,,old age
2,1991-04-10,capture,TALLINN,T2,
2,2014-01-01,death,TALLINN,,
3,1992-06-01,capture,MOSCOW,M3,
4,1993-03-01,capture,MOSCOW,M4,
5,1995-07-13,birth,TALLINN,T5,
6,1997-05-02,birth,TALLINN,T6,
6,1999-02-01,transfer,HELSINKI,H6,
7,2004-04-17,birth,MOSCOW,M7,
7,2006-09-01,transfer,TALLINN,T7,
8,2005-06-01,birth,MOSCOW,M8,
8,2007-03-01,transfer,PRAGUE,P8,
9,2012-05-20,birth,TALLINN,T9,
9,2014-08-01,transfer,ERIE,E9,
10,2012-05-20,birth,TALLINN,T10,
10,2014-09-01,transfer,MARWELL,W10,
11,2014-06-01,birth,HELSINKI,H11,
12,2015-07-01,birth,MOSCOW,M12,
13,2018-04-01,birth,ERIE,E13,
14,2019-05-05,birth,PRAGUE,P14,
15,2021-06-01,birth,HELSINKI,H15,
"""

INSTITUTIONS = """\
mnemonic,name,country,region
TALLINN,Tallinn Zoo,Estonia,EAZA
HELSINKI,Korkeasaari Zoo,Finland,EAZA
MOSCOW,Moscow Zoo,Russia,EARAZA
PRAGUE,Prague Zoo,Czechia,EAZA
MARWELL,Marwell Zoo,United Kingdom,EAZA
ERIE,Erie Zoo,United States,AZA
"""

SETTINGS = """\
key,value
species,Amur leopard (Panthera pardus orientalis)
breeding_age_male,2-15
breeding_age_female,2-15
release_age,1-4
"""


def fixture_files() -> tuple[Path, Path, Path]:
    """The project's Amur leopard fixture files."""
    return (
        FIXTURES / "amur_leopard.csv",
        FIXTURES / "amur_leopard_events.csv",
        FIXTURES / "amur_leopard_institutions.csv",
    )


def studbook_files(directory: Path) -> tuple[Path, Path, Path]:
    """The small studbook above, written to ``directory`` (with its Amur leopard settings
    beside it as ``studbook_settings.csv``)."""
    paths = (
        directory / "studbook.csv",
        directory / "studbook_events.csv",
        directory / "studbook_institutions.csv",
    )
    for path, text in zip(paths, (PEDIGREE, EVENTS, INSTITUTIONS), strict=True):
        path.write_text(text, encoding="utf-8")
    (directory / "studbook_settings.csv").write_text(SETTINGS, encoding="utf-8")
    return paths


def make_studbook_db(directory: Path, *, fixture: bool = False) -> str:
    """Create and fill an SQLite studbook in ``directory`` (the project fixture if asked)."""
    url = f"sqlite:///{directory / 'studbook.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    pedigree, events, institutions = fixture_files() if fixture else studbook_files(directory)
    settings = companion_file(pedigree, "settings")
    assumptions = companion_file(pedigree, "assumptions")
    with session_scope(make_session_factory(engine)) as session:
        import_studbook(session, pedigree, events, institutions)
        if settings is not None:
            import_settings(session, settings)
        if assumptions is not None:
            import_assumption_sets(session, assumptions)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def _studbook_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("studbook")
    make_studbook_db(directory)
    return directory / "studbook.sqlite3"


@pytest.fixture
def db_url(_studbook_template: Path, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the filled studbook for one test (tests may write to it)."""
    copy = tmp_path / "studbook.sqlite3"
    copy.write_bytes(_studbook_template.read_bytes())
    yield f"sqlite:///{copy}"


@pytest.fixture(scope="session")
def fixture_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The project's Amur leopard fixture imported once (read-only use)."""
    if not fixture_files()[0].exists():
        pytest.skip("fixtures/amur_leopard.csv is not there yet")
    return make_studbook_db(tmp_path_factory.mktemp("fixture"), fixture=True)


@pytest.fixture
def planned_db_url(db_url: str) -> str:
    """The small studbook with reproductive goals (20 animals in 5 years), so that the plan
    sized by them has pairs."""
    from db.session import make_engine, make_session_factory, session_scope
    from db.settings import save_settings

    engine = make_engine(db_url)
    try:
        with session_scope(make_session_factory(engine), write=True) as session:
            save_settings(session, {"target_size": "20", "target_years": "5"})
    finally:
        engine.dispose()
    return db_url
