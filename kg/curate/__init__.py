"""Curation without RDF (K16): the workbook, its import and export, and drafts from documents."""
