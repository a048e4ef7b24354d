"""The annual report's format definitions, shared by `reports` (generating reports) and `report_checkup`
(年报体检, checking published ones): the cells and labels of each format (formats), the printed grid of its
tables (layout), the rules (validation) and the reading of a report's prose (prose). Imports neither app."""
