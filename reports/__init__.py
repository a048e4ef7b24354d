"""政府信息公开工作年度报告: compiling, entering, approving, publishing and exporting an agency's annual report.
The format definitions and the validator are report_formats, shared with 年报体检 (report_checkup)."""
