"""The staff menu as a person uses it: on a tablet it hides behind the menu button, so tap that first; an entry
inside a drop-down group (Fermes, Animation…) needs its group opened."""


def open_menu_entry(page, name: str) -> None:
    from playwright.sync_api import expect

    nav = page.locator("#nav")
    link = nav.get_by_role("link", name=name, exact=True)
    # Right after a sign-in the previous page may still be showing, and a drop-down opens only once the page's
    # script has run: wait for the staff page's menu and for the load event before reading what is visible.
    nav.get_by_role("link", name=name, exact=True, include_hidden=True).first.wait_for(state="attached")
    page.wait_for_load_state("load")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    if not link.is_visible():
        hidden = page.get_by_role("link", name=name, exact=True, include_hidden=True)
        nav.locator(".dropdown").filter(has=hidden).locator(".dropdown-toggle").click()
    expect(link).to_be_visible()
    link.click()
