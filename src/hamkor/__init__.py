"""Hamkor: the information system of the Uzbekistan–China cooperation."""
