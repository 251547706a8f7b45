"""The staff menu as a person uses it: on a tablet it hides behind the menu button, so tap that first; an entry
inside a drop-down group (Fermes, Animation…) needs its group opened."""


def open_menu_entry(page, name: str) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    nav = page.locator("#nav")
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        hidden = page.get_by_role("link", name=name, exact=True, include_hidden=True)
        nav.locator(".dropdown").filter(has=hidden).locator(".dropdown-toggle").click()
    link.click()
