"""SAT Data Stage extractions and pedimento validation files (archivo M).

- :mod:`~immex.datastage.layout` — the physical layout of every Data Stage table;
- :mod:`~immex.datastage.reader` — streaming reader of ``<folio>_solicitudes.zip`` with
  validation (``ErrorRecord`` per file, line and field);
- :mod:`~immex.datastage.models` — typed records of the tables immex interprets;
- :mod:`~immex.datastage.m3` — validation-file (M3 / VOCE) parser;
- :mod:`~immex.datastage.generator` — SYNTHETIC extractions in the real physical format;
- :mod:`~immex.datastage.exporter` — stored data back to Data Stage rows.
"""
