"""Just enough HTML parsing for the accessibility tests: elements, their ids, text and ancestors."""

from dataclasses import dataclass
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    ancestors: list["Element"]
    text: str = ""

    @property
    def clean_text(self) -> str:
        return " ".join(self.text.split())


class Page(HTMLParser):
    """A rendered page: page.find("input", name="x"), page.by_id("x"), page.described_by(el)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs, closed=False):
        element = Element(tag, {k: v if v is not None else "" for k, v in attrs}, list(self._open))
        self.elements.append(element)
        if tag not in VOID and not closed:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs, closed=True)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                return

    def handle_data(self, data):
        for element in self._open:
            element.text += data

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if (tag is None or e.tag == tag) and all(e.attrs.get(k) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag}> with {attrs}"
        return found[0]

    def by_id(self, id_: str) -> Element:
        return self.find(id=id_)

    def described_by(self, element: Element) -> list[str]:
        """The texts of the elements that aria-describedby names; each id must exist once."""
        ids = element.attrs.get("aria-describedby", "").split()
        return [self.by_id(id_).clean_text for id_ in ids]
