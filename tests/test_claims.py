"""The claims register quotes the seeds exactly."""

from __future__ import annotations

from se_ambulance.claims import load_register

from .conftest import ROOT


def test_every_quote_is_verbatim_in_its_seed():
    for c in load_register().values():
        text = (ROOT / "seeds" / c.seed).read_text(encoding="utf-8")
        assert c.quote in text, c.id


def test_seeds_are_the_shared_copies():
    shared = ROOT.parent / "shared" / "seeds"
    if shared.is_dir():  # the project keeps a copy; it must not drift
        for f in shared.iterdir():
            assert (ROOT / "seeds" / f.name).read_bytes() == f.read_bytes()
