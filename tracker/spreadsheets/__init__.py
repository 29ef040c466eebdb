"""CSV/XLSX import and export of meetings and commitments in the admin (django-import-export).

Rows name related things by their natural keys (theme and country codes, division codes, user
names, series names) so a file can be written by hand in a spreadsheet. Every exported cell passes
`cells.safe_cell` (no live formulas, only characters a file can carry), and reading a file undoes
exactly that escaping, so an unchanged export imports as "nothing to change". Every row is saved
through the services, and a file is one transaction: one refused row and nothing of it is saved.

`files` reads an upload into a table, `columns` turns cells into values, `resources` is what the
resources share, `meetings` and `commitments` are the two resources, `admin_import` the admin's
import and export pages.
"""
