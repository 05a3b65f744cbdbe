"""A plan as a spreadsheet: one Excel workbook (or a zip of one CSV file per sheet) that
carries everything a YAML plan file carries (fixtures/plans/FORMAT.md), in and out; and a
council's own Word document or tracker, brought in through the same pipeline.

One import pipeline: each source is a reader that yields the same rows (a `ReadWorkbook`),
which the one planner works out and `apply` saves, so no rule is written twice.

format.py     the sheets, their columns, the limits, and the words of the "Read me" sheet
values.py     reading one cell: dates, statuses, numbers, yes/no, lists, references
readers/      opening an upload safely (size, zip bombs, row caps) into rows:
  workbook.py   a plan workbook (.xlsx) or a zip of its CSV files
  document.py   a Word .docx: its tables and the headings and paragraphs between them
  tracker.py    any .xlsx or CSV tracker with its own columns
  tables.py     what a document or tracker is read into, and the shared bounds
mapping.py    a document's columns to the plan's fields (guessed, chosen or saved), its
              sections and objectives, and its rows as a workbook's
stored.py     what the tracker holds for a plan, indexed by the workbook's references
planner.py    working out, row by row, what an import would create or change and every
              problem; measures.py and updates.py are its sheets of measures (targets,
              data) and of progress updates (areas for development)
apply.py      saving a confirmed import in bulk, with its history
objects.py    model rules checked without the database; many-to-many set after saving
results.py    problems and steps, as the page and the command show them
writer.py     a plan (or the blank template, or the example) as a workbook or CSV files
services.py   `plan_import`, `import_read` and `plan_export`, what the pages and the
              commands call
documents.py  `document_import`: a document read, mapped, then `import_read`
forms.py      the upload form
"""
