"""Stage 4a, public model → search index: Chinese normalising, pinyin, shards, the query oracle."""
