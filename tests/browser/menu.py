"""The staff menu as a person uses it: on a tablet it hides behind the menu button, so tap that first."""


def open_menu_entry(page, name: str) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.locator("#nav").get_by_role("link", name=name, exact=True).click()
