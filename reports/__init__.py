"""政府信息公开工作年度报告: the one definition of the report formats (formats.py) and the one validator
(validation.py), shared by the generator and the auditor (年报体检)."""
