#!/usr/bin/env python3
"""Deterministic synthetic sites for the speed comparison.

Writes the same N Markdown pages (headings, lists, a table, links, front
matter) in a few sections three times: as a ritme site, and as a Hugo and
a Zola site with minimal, comparable templates (a page with title, summary,
table of contents, menu of sections, body; a list page per section).

usage: gen_pages.py N OUT_DIR   → OUT_DIR/ritme, OUT_DIR/hugo, OUT_DIR/zola
"""
import os
import random
import shutil
import sys

SECTIONS = ["handboek", "gesprekken", "markt", "producten", "verkoop", "archief", "training", "proces"]
WORDS = ("klant offerte gesprek opvolgen afspraak week team gedrag ritme coaching pijplijn waarde "
         "voorbereiding energie contract levering tarief aanvraag resultaat vertrouwen vraag antwoord "
         "planning bezoek verslag besluit kans risico voorstel").split()


def sentence(rng, n=12):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def body(rng, i, n, link):
    parts = []
    for h in range(3):
        parts.append(f"## Onderdeel {h + 1} van pagina {i}\n")
        parts.append(" ".join(sentence(rng) for _ in range(4)) + "\n")
        parts.append("\n".join(f"- {sentence(rng, 6)}" for _ in range(4)) + "\n")
    parts.append("| Week | Doel | Gedaan |\n|---|---|---|\n" +
                 "\n".join(f"| W{w:02d} | {rng.randint(1, 5)} | {rng.randint(0, 6)} |" for w in range(1, 6)) + "\n")
    targets = [rng.randrange(n) for _ in range(3)]
    parts.append("Zie ook " + ", ".join(link(t) for t in targets) + ".\n")
    return "\n".join(parts)


def section_of(i):
    return SECTIONS[i % len(SECTIONS)]


def main():
    if len(sys.argv) != 3 or not sys.argv[1].isdigit():
        sys.exit("usage: gen_pages.py N OUT_DIR   (writes OUT_DIR/ritme, OUT_DIR/hugo, OUT_DIR/zola)")
    n, out = int(sys.argv[1]), sys.argv[2]
    shutil.rmtree(out, ignore_errors=True)
    ritme, hugo, zola = (os.path.join(out, name) for name in ("ritme", "hugo", "zola"))
    os.makedirs(os.path.join(ritme, "data"))
    with open(os.path.join(ritme, "ritme.yaml"), "w") as f:
        f.write("title: Benchmark\nlanguage: nl\n")
    with open(os.path.join(ritme, "data", "team.yaml"), "w") as f:
        f.write("teams: []\npeople: []\n")
    os.makedirs(os.path.join(hugo, "layouts", "_default"))
    with open(os.path.join(hugo, "hugo.toml"), "w") as f:
        f.write('title = "Benchmark"\nlanguageCode = "nl"\nrelativeURLs = true\nuglyURLs = false\n'
                'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n'
                '[markup.goldmark.renderer]\nunsafe = false\n'
                '[markup.goldmark.extensions]\ntable = true\nstrikethrough = true\ntaskList = true\nfootnote = true\n'
                '[markup.tableOfContents]\nstartLevel = 2\nendLevel = 3\n')
    base = ('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>'
            '<link rel="stylesheet" href="{{ "style.css" | relURL }}"></head><body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>'
            '<nav><ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>'
            '<main>{{ block "main" . }}{{ end }}</main></body></html>')
    with open(os.path.join(hugo, "layouts", "_default", "baseof.html"), "w") as f:
        f.write(base)
    with open(os.path.join(hugo, "layouts", "_default", "single.html"), "w") as f:
        f.write('{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Summary }}</p>{{ .TableOfContents }}{{ .Content }}</article>{{ end }}')
    with open(os.path.join(hugo, "layouts", "_default", "list.html"), "w") as f:
        f.write('{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}')
    with open(os.path.join(hugo, "layouts", "index.html"), "w") as f:
        f.write('{{ define "main" }}<h1>{{ site.Title }}</h1>{{ end }}')
    os.makedirs(os.path.join(hugo, "static"))
    with open(os.path.join(hugo, "static", "style.css"), "w") as f:
        f.write("body{font-family:sans-serif}\n")
    write_zola_skeleton(zola)

    for i in range(n):
        rng = random.Random(i)
        sec = section_of(i)
        title = f"Pagina {i}: {rng.choice(WORDS)} en {rng.choice(WORDS)}"
        summary = sentence(rng, 10)
        ritme_link = lambda t: f"[pagina {t}](../{section_of(t)}/pagina-{t}.md)"
        hugo_link = lambda t: f"[pagina {t}](../../{section_of(t)}/pagina-{t}/)"
        text = body(random.Random(i), i, n, ritme_link)
        htext = body(random.Random(i), i, n, hugo_link)
        fm = f'---\ntitle: "{title}"\nsummary: "{summary}"\nweight: {i}\n---\n'
        zfm = f'+++\ntitle = "{title}"\ndescription = "{summary}"\nweight = {i}\n+++\n'
        for root, content in ((os.path.join(ritme, "pages", sec), fm + text), (os.path.join(hugo, "content", sec), fm + htext),
                              (os.path.join(zola, "content", sec), zfm + htext)):
            os.makedirs(root, exist_ok=True)
            with open(os.path.join(root, f"pagina-{i}.md"), "w") as f:
                f.write(content)
    for sec in SECTIONS:
        d = os.path.join(hugo, "content", sec)
        if os.path.isdir(d):
            with open(os.path.join(d, "_index.md"), "w") as f:
                f.write(f'---\ntitle: "{sec.capitalize()}"\n---\n')
            with open(os.path.join(zola, "content", sec, "_index.md"), "w") as f:
                f.write(f'+++\ntitle = "{sec.capitalize()}"\nsort_by = "weight"\n+++\n')


def write_zola_skeleton(zola):
    """Zola's config and templates, the same page shapes as Hugo's."""
    os.makedirs(os.path.join(zola, "templates"))
    os.makedirs(os.path.join(zola, "content"))
    os.makedirs(os.path.join(zola, "static"))
    with open(os.path.join(zola, "config.toml"), "w") as f:
        f.write('base_url = "/"\ntitle = "Benchmark"\ndefault_language = "nl"\ncompile_sass = false\n'
                'build_search_index = false\ngenerate_feeds = false\n')
    with open(os.path.join(zola, "content", "_index.md"), "w") as f:
        f.write('+++\ntitle = "Benchmark"\n+++\n')
    templates = {
        "base.html": '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock %}</title>'
                     '<link rel="stylesheet" href="{{ get_url(path=\'style.css\') }}"></head><body><header><a href="{{ config.base_url }}">{{ config.title }}</a></header>'
                     '<nav><ul>{% set root = get_section(path="_index.md", metadata_only=true) %}{% for s in root.subsections %}'
                     '{% set sub = get_section(path=s, metadata_only=true) %}<li><a href="{{ sub.permalink }}">{{ sub.title }}</a></li>{% endfor %}</ul></nav>'
                     '<main>{% block main %}{% endblock %}</main></body></html>',
        "page.html": '{% extends "base.html" %}{% block title %}{{ page.title }} · {{ config.title }}{% endblock %}{% block main %}'
                     '<article><h1>{{ page.title }}</h1><p>{{ page.description }}</p><ul>{% for h in page.toc %}'
                     '<li><a href="{{ h.permalink }}">{{ h.title }}</a></li>{% endfor %}</ul>{{ page.content | safe }}</article>{% endblock %}',
        "section.html": '{% extends "base.html" %}{% block title %}{{ section.title }}{% endblock %}{% block main %}<h1>{{ section.title }}</h1>'
                        '<ul>{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock %}',
        "index.html": '{% extends "base.html" %}{% block main %}<h1>{{ config.title }}</h1>{% endblock %}',
    }
    for name, text in templates.items():
        with open(os.path.join(zola, "templates", name), "w") as f:
            f.write(text)
    with open(os.path.join(zola, "static", "style.css"), "w") as f:
        f.write("body{font-family:sans-serif}\n")


if __name__ == "__main__":
    main()
