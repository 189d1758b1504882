"""404.html that works wherever the site is served.

MkDocs writes the 404 page with absolute links under the public site_url's path ("/kexie/assets/…"):
served from another place (a preview at "/", another host's sub-folder, `python -m http.server`), it
loads no stylesheet and its links lead nowhere. A 404 page answers URLs of any depth, so plain relative
links cannot work either. Instead its links become relative to the site root, and a first script in
<head> sets <base href> to that root: the public path when the address starts with it, else "/".
The theme's own configuration (`__config`) gets the same root before the theme's script reads it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def portable_404(site_dir: Path, site_url: str) -> None:
    """Rewrite site_dir/404.html in place (no-op when there is none)."""
    page = site_dir / "404.html"
    if not page.is_file():
        return
    text = page.read_text(encoding="utf-8")
    root = urlsplit(site_url or "/").path or "/"
    root = root if root.endswith("/") else root + "/"
    text = re.sub(rf'\b(href|src)="{re.escape(root)}(?!/)', r'\1="', text)
    text = text.replace('href="."', 'href="./"')
    chooser = (
        "<script>(function(){var p=" + json.dumps(root) + ",b=document.createElement('base');"
        "b.href=location.pathname.indexOf(p)===0?p:'/';document.head.appendChild(b)})()</script>"
    )
    text = text.replace("<head>", "<head>\n" + chooser, 1)

    def fix_config(match):
        config = json.loads(match.group(2))
        if isinstance(config.get("search"), str) and config["search"].startswith(root):
            config["search"] = config["search"][len(root):]
        config["base"] = "."
        rebase = ("<script>(function(){var c=document.getElementById('__config'),d=JSON.parse(c.textContent);"
                  "d.base=document.baseURI;d.search=new URL(d.search,document.baseURI).href;"
                  "c.textContent=JSON.stringify(d)})()</script>")
        return match.group(1) + json.dumps(config, sort_keys=True) + match.group(3) + rebase

    text = _CONFIG.sub(fix_config, text, count=1)
    page.write_text(text, encoding="utf-8")
