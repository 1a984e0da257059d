"""The rules of the scheme as pure functions on tables and arrays: no file is read or written here.

:mod:`.overloaded` decides which Natura 2000 areas count as overloaded, :mod:`.distance` measures
to them, :mod:`.ranking` orders the farms, :mod:`.budget` walks the budgets (in whole cents),
:mod:`.explain` says why; :mod:`.zones`, :mod:`.deposition`, :mod:`.subsidy` and
:mod:`.scenarios` serve the optional inputs and outputs.
"""
