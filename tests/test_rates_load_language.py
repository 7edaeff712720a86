"""What `immex rates load …` says it did, in Spanish and English, each count in its form."""

from __future__ import annotations

from immex.reports.i18n import tr
from immex.services.rates.batches import loaded_message


def test_a_load_says_its_counts_in_each_language() -> None:
    one = loaded_message("rows", "prosec.csv", 1, 2, dry_run=False)
    assert one == "prosec.csv: 1 row loaded, 2 already present"
    assert tr(one, "es") == "prosec.csv: 1 renglón cargado, 2 ya presentes"
    dry = loaded_message("points", "fix.csv", 3, 0, dry_run=True)
    assert dry == "fix.csv: 3 points would be loaded (dry run: nothing written)"
    assert tr(dry, "es") == "fix.csv: se cargarían 3 puntos (simulación: no se escribió nada)"
    values = loaded_message("values", "p.csv", 0, 1, dry_run=False)
    assert tr(values, "es") == "p.csv: 0 valores de parámetros cargados, 1 ya presente"
