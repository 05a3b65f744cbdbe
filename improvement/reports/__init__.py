"""Reports: `assembly` builds a report's content once (as at a date, from the history);
one module per format renders it (`html`, `word`, `pdf`, `spreadsheet`)."""
