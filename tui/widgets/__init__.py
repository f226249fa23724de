"""Widgets that draw what they are handed: charts, the pedigree tree, the status bar."""
