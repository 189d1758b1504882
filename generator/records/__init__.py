"""Stage 1, files → records: strict YAML, the record set, JSON Schemas, problems and reporters.

Everything `kexie validate` needs to read and word a record, and nothing else.
"""
