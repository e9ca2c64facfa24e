"""The portfolio's pages (the organizations' pages are organizations.views)."""
