"""kexie: records → checks → public site for Hangzhou's expert team network service platform.

    records/   YAML files → records, schemas, problems       (strict_yaml, recordset, schemas)
    checks/    records → problems: integrity, privacy, policy (pipeline runs records + checks)
    model/     records → public model, funding summaries, history (consent applied once)
    search/ site/ report/   model → search index, MkDocs pages, yearly workbook
    contrib/ (git & GitHub → records) and cli/ (the only place problems become exit codes)
"""

__version__ = "0.1.0"
