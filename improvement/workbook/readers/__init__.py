"""The readers of an import: each source (a plan workbook or a zip of its CSV files, a
Word document, a tracker) read into the same rows the planner takes."""
