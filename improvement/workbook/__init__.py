"""A plan as a spreadsheet: one Excel workbook (or a zip of one CSV file per sheet) that
carries everything a YAML plan file carries (fixtures/plans/FORMAT.md), in and out.

format.py    the sheets, their columns, the limits, and the words of the "Read me" sheet
values.py    reading one cell: dates, statuses (matched to the plan's key), numbers, yes/no,
             lists, references
reader.py    opening an upload safely (size, zip bombs, row caps, formulas) into rows
stored.py    what the tracker holds for a plan, indexed by the workbook's references
planner.py   working out, row by row, what an import would create or change and every
             problem, and saving it; measures.py and updates.py are its sheets of
             measures (targets, data) and of progress updates (areas for development)
objects.py   model rules checked without the database; many-to-many set after saving
results.py   problems and steps, as the page and the command show them
writer.py    a plan (or the blank template, or the example) as a workbook or CSV files, the
             workbook with drop-down lists (statuses, references, people)
services.py  `plan_import` and `plan_export`, what the pages and the commands call
forms.py     the upload form
"""
