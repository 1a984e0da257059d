"""The writers: each takes the finished result (a :class:`~vbr.writers.context.WriteContext`)
and returns what it wrote with its notes (a :class:`~vbr.model.WriteReport`); none changes the
result.

:mod:`.lists` (CSV), :mod:`.workbook` (``ranking.xlsx``), :mod:`.geopackage`, :mod:`.scenarios`;
:mod:`.manifest` writes and reads ``manifest.json``; :mod:`.run_folder` moves a finished run into
place all or nothing. :mod:`.tables` and :mod:`.text` hold how the lists read as text.
"""
