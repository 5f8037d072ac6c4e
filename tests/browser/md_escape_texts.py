"""Hostile user text for the md_escape browser tests."""

NAMES = ["http://evil.example", "www.example.com", "a@b.com", "<b>x</b>", "**bold**",
         ":red[x]", "$x$", "&amp;", "Caf&#58; Noir", "a -> b <= c", ":material_home:",
         "WWWW.example.com", "mailto:c@d.org", "x\\y", "_u_ ~~s~~ `c` [l](m)"]
TEXT = " | ".join(NAMES)
