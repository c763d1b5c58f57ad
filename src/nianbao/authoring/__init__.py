"""Authoring: blank reports and their computed totals (`template.py`), the YAML and workbook a clerk fills
(`yaml_file.py`, `workbook.py`), and loading them back into a `Report` (`load.py`).

Writing a report in the official layout (markdown, html, docx, pdf) is `nianbao.render`.
"""
