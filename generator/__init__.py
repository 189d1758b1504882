"""kexie: records → checks → public site for Hangzhou's expert team network service platform."""

__version__ = "0.1.0"
