"""Helpers every stage may use and that know nothing of records: forking, money, templates."""
